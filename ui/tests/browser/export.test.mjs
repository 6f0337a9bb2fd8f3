// @ts-check
/**
 * Browser tests of exporting the post from the header's "Eksportér", in the BUILT UI (dist/)
 * in Debian's Chromium, with the fixture world behind Tauri's mockIPC: the dialog, the
 * progress bar while it runs, the result, a second export with nothing new, and a failure in
 * plain words; by mouse and by keyboard alone, with an axe-core scan of each state (no serious
 * or critical violation) and screenshots in test-results/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openApp, screenshot, axeScan } from './harness.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * @param {import('playwright-core').Page} page
 * @param {string} view
 */
async function assertAccessible(page, view) {
  const violations = await axeScan(page);
  assert.deepEqual(violations, [], `axe found serious or critical problems in the ${view} view:\n${JSON.stringify(violations, null, 2)}`);
}

/** @param {Parameters<typeof openApp>[2]} [opts] */
async function signedIn(opts = {}) {
  const session = await openApp(browser, server.url, { ...opts, config: { bigFolderSize: 20, ...opts.config } });
  await session.page.getByTestId('message-list').waitFor();
  await session.page.locator('.mrow .mrow-sender').first().waitFor();
  return session;
}

/** @param {import('playwright-core').Page} page */
function mock(page) {
  return {
    /** @returns {Promise<{cmd: string, args: any}[]>} */
    calls: () => page.evaluate(() => /** @type {any} */ (window).__brevdueMock.world.calls.map((/** @type {any} */ c) => ({ cmd: c.cmd, args: c.args }))),
    release: () => page.evaluate(() => /** @type {any} */ (window).__brevdueMock.releaseExport()),
    /** @param {string} cmd @param {string} code */
    failNext: (cmd, code) => page.evaluate(([c, k]) => /** @type {any} */ (window).__brevdueMock.failNext(c, k), [cmd, code]),
    clearFailures: () => page.evaluate(() => /** @type {any} */ (window).__brevdueMock.clearFailures()),
  };
}

describe('exporting the post', { concurrency: false }, () => {
  it('exports from the header with a progress bar, then finds nothing new', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn({ config: { holdExport: true } });
    const m = mock(page);
    await page.getByRole('button', { name: 'Eksportér' }).click();
    const dialog = page.getByRole('dialog', { name: 'Eksportér din post' });
    await dialog.waitFor();
    await dialog.getByText('Mapper med filer').waitFor();
    await screenshot(page, 'export-01-dialog');
    await assertAccessible(page, 'export dialog');

    // Without a folder it says what is missing; then the folder from Rust's dialog.
    await dialog.getByRole('button', { name: 'Start eksporten' }).click();
    await dialog.getByText('Vælg den mappe, brevene skal gemmes i.').waitFor();
    await assertAccessible(page, 'export dialog without a folder');
    await dialog.getByRole('button', { name: 'Vælg mappe …' }).click();
    await dialog.getByText('/home/demo/Dokumenter/Brevdue-eksport').waitFor();
    await dialog.getByLabel('Postkasse').selectOption({ label: 'Jens Hansen (din postkasse)' });
    await dialog.getByRole('button', { name: 'Start eksporten' }).click();

    // Held after its first letter: the bar shows how far it has come.
    const bar = dialog.locator('progress');
    await dialog.getByTestId('export-count').filter({ hasText: /^1 af \d+ breve$/ }).waitFor();
    const total = Number(await bar.getAttribute('max'));
    assert.ok(total > 1, `the export has ${total} letters to write`);
    assert.equal(await bar.evaluate((e) => /** @type {HTMLProgressElement} */ (e).value), 1);
    await screenshot(page, 'export-02-progress');
    await assertAccessible(page, 'export progress');
    const start = (await m.calls()).find((c) => c.cmd === 'start_export');
    assert.deepEqual(start?.args, { format: 'files', mailboxId: 'mb-jens', folder: '7d3c1f0a-2b4e-4e59-8a61-0c9d5e2f4b17' });

    await m.release();
    const result = dialog.getByTestId('export-result');
    await result.getByText(`${total} breve eksporteret til /home/demo/Dokumenter/Brevdue-eksport.`).waitFor();
    await screenshot(page, 'export-03-done');
    await assertAccessible(page, 'export result');

    // The same again: nothing new.
    await dialog.getByRole('button', { name: 'Ny eksport' }).click();
    await dialog.getByLabel('Postkasse').selectOption({ label: 'Jens Hansen (din postkasse)' });
    await dialog.getByRole('button', { name: 'Start eksporten' }).click();
    await result.getByText('Intet nyt at eksportere. Alle breve er allerede i /home/demo/Dokumenter/Brevdue-eksport.').waitFor();
    await dialog.getByRole('button', { name: 'Luk' }).last().click();
    await dialog.waitFor({ state: 'hidden' });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('works by keyboard alone, with the focus in sight', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    const opener = page.getByRole('button', { name: 'Eksportér' });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Eksportér din post' });
    await dialog.waitFor();
    // Tab to the Maildir choice (arrow keys move within the radio group), then the folder.
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.textContent?.trim() || '');
    for (let i = 0; i < 12 && (await focused()) !== 'export-format-files'; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(), 'export-format-files');
    const ring = await page.evaluate(() => {
      const s = getComputedStyle(/** @type {Element} */ (document.activeElement));
      return s.outlineStyle !== 'none' && s.outlineWidth !== '0px' ? s.outlineStyle : s.boxShadow;
    });
    assert.notEqual(ring, 'none', 'the focused choice shows where the focus is');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 'export-format-maildir');
    assert.ok(await dialog.getByLabel('Maildir').isChecked());
    for (let i = 0; i < 12 && !(await focused()).startsWith('Vælg mappe'); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.getByText('/home/demo/Dokumenter/Brevdue-eksport').waitFor();
    for (let i = 0; i < 12 && !(await focused()).includes('Start eksporten'); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await dialog.getByTestId('export-result').getByText(/breve eksporteret til/).waitFor();
    // The result takes the focus, so it is read out; Escape closes and gives focus back.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'export-result');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'export-open');
    const start = (await mock(page).calls()).find((c) => c.cmd === 'start_export');
    assert.equal(start?.args.format, 'maildir');
    assert.equal(start?.args.mailboxId, undefined, 'every mailbox by default');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('says plainly when the folder cannot be written', { timeout: 90_000 }, async () => {
    const { page, context } = await signedIn();
    const m = mock(page);
    await page.getByRole('button', { name: 'Eksportér' }).click();
    const dialog = page.getByRole('dialog', { name: 'Eksportér din post' });
    await dialog.getByRole('button', { name: 'Vælg mappe …' }).click();
    await dialog.getByText('/home/demo/Dokumenter/Brevdue-eksport').waitFor();
    await m.failNext('start_export', 'io');
    await dialog.getByRole('button', { name: 'Start eksporten' }).click();
    const error = dialog.getByTestId('export-error');
    await error.getByText('Eksporten lykkedes ikke').waitFor();
    assert.match((await error.textContent()) ?? '', /Brevdue kunne ikke gemme i mappen\. .*Vælg en anden mappe/);
    await screenshot(page, 'export-04-error');
    await assertAccessible(page, 'export error');
    await m.clearFailures();
    await context.close();
  });
});
