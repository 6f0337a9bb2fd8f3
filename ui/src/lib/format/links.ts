/**
 * Entry points ("go to the payment") come from hostile messages: only http and https
 * addresses may be offered, and the user sees the whole address before it opens.
 */

export interface WebLink {
  /** The address as the browser will open it (normalised by the URL parser). */
  href: string;
  /** The host to name on the button, in ASCII (punycode), so look-alike letters show. */
  host: string;
}

/** The address if it is an ordinary web address (http or https, with a host); else null. */
export function webLink(raw: string | null | undefined): WebLink | null {
  if (!raw) return null;
  const text = raw.trim();
  // Reject control characters and spaces outright: no legitimate address carries them.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f]/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  return { href: url.href, host: url.hostname };
}
