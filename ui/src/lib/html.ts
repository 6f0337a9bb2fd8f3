/**
 * The document shown in the sandboxed frame for an HTML letter.
 *
 * The HTML was sanitized in Rust before it got here. The UI adds its own walls all the
 * same, because a letter is hostile and the UI never talks to the network:
 * - the frame is `<iframe sandbox="">`: no scripts, no forms, no plugins, no top navigation;
 * - a Content-Security-Policy meta tag lets nothing load except `data:` images and inline
 *   styles;
 * - here, elements that could load, navigate or run anything are removed, and so are
 *   attributes that name an address (links stay as text), event handlers and the like.
 */

export const FRAME_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const DROP_ELEMENTS = [
  'script',
  'noscript',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'base',
  'link',
  'meta',
  'form',
  'input',
  'button',
  'select',
  'textarea',
  'portal',
  'template',
  'svg',
  'math',
  'video',
  'audio',
  'source',
  'track',
];

const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'srcset',
  'action',
  'formaction',
  'ping',
  'background',
  'poster',
  'cite',
  'longdesc',
  'usemap',
  'xlink:href',
  'data',
  'codebase',
  'manifest',
]);

/** Removes what could load, navigate or run; keeps the text and its layout. */
export function scrubHtml(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const el of doc.querySelectorAll(DROP_ELEMENTS.join(','))) el.remove();
  for (const el of doc.body.querySelectorAll('*')) {
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      const keepImage =
        name === 'src' && el.tagName === 'IMG' && /^data:image\/(png|jpe?g|gif|webp);/i.test(attr.value.trim());
      if (name.startsWith('on') || (name === 'style' && /url\s*\(|expression\s*\(/i.test(attr.value))) {
        el.removeAttribute(attr.name);
      } else if (URL_ATTRIBUTES.has(name) && !keepImage) {
        el.removeAttribute(attr.name);
      }
    }
  }
  // Inline style sheets may stay, but without anything that fetches.
  for (const style of doc.querySelectorAll('style')) {
    if (/url\s*\(|@import/i.test(style.textContent ?? '')) style.remove();
  }
  const styles = [...doc.head.querySelectorAll('style')].map((s) => s.outerHTML).join('');
  return styles + doc.body.innerHTML;
}

/** The whole `srcdoc` for the frame: the policy, calm base styles, the scrubbed letter. */
export function frameDocument(sanitizedHtml: string, lang: string): string {
  const safeLang = /^[a-z]{2}(-[A-Za-z]{2})?$/.test(lang) ? lang : 'da';
  return (
    '<!doctype html><html lang="' +
    safeLang +
    '"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${FRAME_CSP}">` +
    '<style>html{color-scheme:light}body{margin:0;padding:24px;font-family:"IBM Plex Sans",Arial,sans-serif;' +
    'font-size:16px;line-height:1.5;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}' +
    'img{max-width:100%;height:auto}table{border-collapse:collapse;max-width:100%}' +
    'td,th{padding:4px 8px;vertical-align:top}a{color:#004d99}</style></head><body>' +
    scrubHtml(sanitizedHtml) +
    '</body></html>'
  );
}

/** Only raster images are shown inline; an SVG may carry scripts and is offered to save. */
export function isSafeImageMime(mime: string): boolean {
  return /^image\/(png|jpeg|gif|webp)$/i.test(mime.trim());
}
