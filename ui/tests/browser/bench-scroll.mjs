// @ts-check
/**
 * Benchmark: scrolling the company inbox of 100,000 letters in the built UI (Chromium,
 * fixture world through mockIPC). Prints how long the first rows, a jump to the middle and
 * a jump to the end take, the frame times while scrolling through 20,000 rows, how many
 * rows are in the page and how many pages were fetched. Run: `npm run bench:scroll`.
 * Figures depend on the machine and its load; they are printed, not asserted.
 */
import { startServer, launch, openApp } from './harness.mjs';

const server = await startServer();
const browser = await launch();
try {
  const { page, context } = await openApp(browser, server.url, { config: { bigFolderSize: 100_000 } });
  await page.locator('.mrow .mrow-sender').first().waitFor();
  let t = Date.now();
  await page.getByRole('button', { name: /Hansens Tømrer ApS/ }).click();
  await page.locator('.mrow', { hasText: 'Momsangivelse' }).waitFor();
  const firstRowsMs = Date.now() - t;

  t = Date.now();
  await page.locator('.vlist').evaluate((el) => {
    el.scrollTop = el.scrollHeight / 2;
  });
  await page.locator('.mrow[data-index="50001"] .mrow-sender').waitFor();
  const middleMs = Date.now() - t;

  t = Date.now();
  await page.locator('.vlist').focus();
  await page.keyboard.press('End');
  await page.locator('.mrow[data-index="100000"] .mrow-sender').waitFor();
  const endMs = Date.now() - t;

  const frames = await page.locator('.vlist').evaluate(async (el) => {
    el.scrollTop = 0;
    await new Promise((r) => setTimeout(r, 300));
    /** @type {number[]} */
    const times = [];
    let last = performance.now();
    for (let i = 0; i < 200; i++) {
      el.scrollTop += 9200; // 100 rows a frame: far faster than a person scrolls
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    times.sort((a, b) => a - b);
    const q = (/** @type {number} */ p) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
    return { p50: q(0.5), p95: q(0.95), max: q(1) };
  });
  const rows = await page.locator('.mrow').count();
  const calls = await page.evaluate(
    () => /** @type {any} */ (window).__brevdueMock.world.calls.filter((/** @type {any} */ c) => c.cmd === 'list_messages').length,
  );
  console.log('scroll benchmark, 100,000 letters');
  console.log(`  first rows after switching mailbox: ${firstRowsMs} ms`);
  console.log(`  jump to the middle, rows shown:     ${middleMs} ms`);
  console.log(`  End key to the last letter:         ${endMs} ms`);
  console.log(`  frame time scrolling 20,000 rows:   p50 ${frames.p50.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, max ${frames.max.toFixed(1)} ms`);
  console.log(`  rows in the page:                   ${rows}`);
  console.log(`  list_messages calls in all:         ${calls}`);
  await context.close();
} finally {
  await browser.close();
  await server.close();
}
