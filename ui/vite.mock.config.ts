// Builds the fixture world and Tauri's mockIPC into one script for the browser tests, which
// inject it into the page of the built UI before the app starts.
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'tests/browser/.build',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    lib: {
      entry: 'tests/fixtures/mock-entry.ts',
      formats: ['iife'],
      name: 'BrevdueMock',
      fileName: () => 'mock.js',
    },
  },
});
