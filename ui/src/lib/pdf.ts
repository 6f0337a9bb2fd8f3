/**
 * Loading pdf.js for the letters that are PDF files: its worker and data files are bundled
 * with the app (nothing is fetched from outside), scripting and `eval` are off, and XFA
 * forms are not rendered.
 */
import type { PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

/** Where the build puts pdf.js's fonts, character maps and decoders (see vite.config.ts). */
function dataUrl(folder: string): string {
  const base = import.meta.env.DEV ? '/node_modules/pdfjs-dist/' : new URL('pdfjs/', document.baseURI).href;
  return `${base}${folder}/`;
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export async function openPdf(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  const pdfjs = await import('pdfjs-dist');
  pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
  return pdfjs.getDocument({
    data: bytes,
    isEvalSupported: false,
    enableXfa: false,
    disableAutoFetch: true,
    disableStream: true,
    useSystemFonts: false,
    standardFontDataUrl: dataUrl('standard_fonts'),
    cMapUrl: dataUrl('cmaps'),
    cMapPacked: true,
    wasmUrl: dataUrl('wasm'),
  }).promise;
}
