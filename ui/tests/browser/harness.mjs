// @ts-check
/**
 * What every browser test needs: a static server of the built UI (dist/), Debian's
 * Chromium through playwright-core, a page with the fixture world injected through Tauri's
 * mockIPC before the app starts, a fixed clock, screenshots and axe-core scans.
 */
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, extname, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const uiRoot = join(here, '..', '..');
const dist = join(uiRoot, 'dist');
const mockScript = join(here, '.build', 'mock.js');
export const shotsDir = join(uiRoot, 'test-results');
const require = createRequire(import.meta.url);
const axeSource = require.resolve('axe-core/axe.min.js');

/** The moment the world stands still at: Tuesday 24 November 2026, 10.00 Danish time. */
export const FIXED_NOW = '2026-11-24T09:00:00Z';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
};

/** Serves dist/ on a free loopback port. */
export async function startServer() {
  if (!existsSync(join(dist, 'index.html'))) throw new Error('dist/ is missing: run `npm run build` first');
  if (!existsSync(mockScript)) throw new Error('the mock is missing: run `vite build -c vite.mock.config.ts` first');
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dist, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[/** @type {keyof typeof TYPES} */ (extname(file))] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${addr.port}/`, close: () => new Promise((r) => server.close(() => r(undefined))) };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * @typedef {{
 *   signedInAs?: string | null,
 *   bigFolderSize?: number,
 *   language?: 'da' | 'en',
 *   demo?: boolean,
 *   latencyMs?: number,
 *   startLink?: string,
 *   file?: { label: string, name: string } | 'bad',
 *   holdExport?: boolean,
 * }} MockConfig
 */

/**
 * A page of the built UI with the fixture world behind it.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{ config?: MockConfig, width?: number, height?: number, zoom?: number,
 *   colorScheme?: 'light' | 'dark' }} [opts]
 */
export async function openApp(browser, url, opts = {}) {
  const zoom = opts.zoom ?? 1;
  const context = await browser.newContext({
    viewport: { width: Math.round((opts.width ?? 1440) / zoom), height: Math.round((opts.height ?? 900) / zoom) },
    deviceScaleFactor: zoom,
    colorScheme: opts.colorScheme ?? 'light',
    locale: 'da-DK',
    timezoneId: 'America/New_York', // Danish time must not depend on the computer's zone
  });
  // Nothing but the local server may be reached.
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(url) || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    return route.abort();
  });
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Playwright offers its init scripts to every frame; the letter frame's sandbox refuses
    // them. That refusal is the sandbox working, not an error of the app.
    if (m.text().startsWith("Blocked script execution in 'about:srcdoc'")) return;
    errors.push(m.text());
  });
  await page.clock.setFixedTime(new Date(FIXED_NOW));
  const config = { now: FIXED_NOW, bigFolderSize: 100_000, ...opts.config };
  await page.addInitScript((c) => {
    /** @type {any} */ (window).__BREVDUE_MOCK_CONFIG__ = c;
  }, config);
  await page.addInitScript({ path: mockScript });
  await page.goto(url);
  return { page, context, errors };
}

/**
 * Saves a screenshot to test-results/NAME.png.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  await mkdir(shotsDir, { recursive: true });
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: false });
}

/**
 * Runs axe-core on the page; returns the serious and critical violations.
 * @param {import('playwright-core').Page} page
 */
export async function axeScan(page) {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(async () => {
    const axe = /** @type {any} */ (window).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((/** @type {any} */ v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((/** @type {any} */ n) => n.target.join(' ')).slice(0, 5),
    }));
  });
  return result.filter((/** @type {{impact: string}} */ v) => v.impact === 'serious' || v.impact === 'critical');
}
