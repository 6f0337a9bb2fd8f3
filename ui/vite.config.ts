// Vite: builds the UI to dist/ for the Tauri shell, and runs the vitest unit tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

/**
 * pdf.js asks for its standard fonts, character maps and image decoders by file name at run
 * time. They are copied into dist/pdfjs/ under their own names, so nothing is fetched from
 * outside the app.
 */
function pdfjsData(): Plugin {
  const root = join(import.meta.dirname, 'node_modules', 'pdfjs-dist');
  return {
    name: 'brevdue-pdfjs-data',
    apply: 'build',
    generateBundle() {
      for (const folder of ['standard_fonts', 'cmaps', 'wasm']) {
        for (const file of readdirSync(join(root, folder))) {
          this.emitFile({
            type: 'asset',
            fileName: `pdfjs/${folder}/${file}`,
            source: readFileSync(join(root, folder, file)),
          });
        }
      }
    },
  };
}

export default defineConfig({
  plugins: [svelte(), svelteTesting(), pdfjsData()],
  // Tauri serves dist/ at the root of its own scheme; a relative base also lets a plain
  // static server (the browser tests) serve it from any folder.
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // pdf.js is large by nature; it is loaded only when a PDF is shown.
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    include: ['tests/unit/**/*.test.ts'],
    setupFiles: ['tests/unit/setup.ts'],
  },
});
