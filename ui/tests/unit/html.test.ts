import { describe, expect, it } from 'vitest';
import { FRAME_CSP, frameDocument, isSafeImageMime, scrubHtml } from '../../src/lib/html';

describe('the HTML letter frame', () => {
  it('removes what could run, load or navigate', () => {
    const out = scrubHtml(
      '<p onclick="x()">Hej</p><script>alert(1)</script><a href="https://evil.example">link</a>' +
        '<img src="https://tracker.example/p.png"><iframe src="https://x.example"></iframe>' +
        '<meta http-equiv="refresh" content="0;url=https://evil.example"><form action="https://x.example"><input></form>' +
        '<base href="https://evil.example/"><div style="background:url(https://x.example/a.png)">z</div>',
    );
    expect(out).toContain('Hej');
    expect(out).toContain('link');
    expect(out).not.toMatch(/script|onclick|href|https:|iframe|<meta|<form|<input|<base|url\(/i);
  });

  it('keeps embedded raster images and plain styling', () => {
    const out = scrubHtml('<img src="data:image/png;base64,AAAA" alt="logo"><p style="color:red">x</p>');
    expect(out).toContain('src="data:image/png;base64,AAAA"');
    expect(out).toContain('style="color:red"');
  });

  it('drops style sheets that import or fetch', () => {
    expect(scrubHtml('<style>@import "https://x.example/a.css";</style><p>x</p>')).not.toContain('@import');
    expect(scrubHtml('<style>p{color:blue}</style><p>x</p>')).toContain('p{color:blue}');
  });

  it('wraps the letter in a document with the strict policy', () => {
    const doc = frameDocument('<p>Hej</p>', 'da');
    expect(FRAME_CSP).toBe("default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    expect(doc).toContain(`<meta http-equiv="Content-Security-Policy" content="${FRAME_CSP}">`);
    expect(doc).toContain('<p>Hej</p>');
    expect(frameDocument('x', '"><script>')).toContain('lang="da"');
  });

  it('shows only raster images inline', () => {
    expect(isSafeImageMime('image/png')).toBe(true);
    expect(isSafeImageMime('image/svg+xml')).toBe(false);
    expect(isSafeImageMime('text/html')).toBe(false);
  });
});
