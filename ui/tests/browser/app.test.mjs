// @ts-check
/**
 * Browser tests of the BUILT UI (dist/) in Debian's Chromium, with the Tauri commands
 * answered by the fixture world through mockIPC. They do what a person would: sign in,
 * read, switch mailboxes, use the keyboard, change language, zoom; and every view gets an
 * axe-core scan that must find no serious or critical violation. Screenshots of the main
 * views go to test-results/.
 *
 * Contents:
 *  1. signing in as a demo identity
 *  2. the inbox
 *  3. a letter with an appointment
 *  4. a payment deadline and its entry point
 *  5. an HTML letter in the sandboxed frame; markings
 *  6. the agenda
 *  7. a read-access mailbox: no delete, no reply, no compose; then, as its owner, "Hvem har
 *     læst min post" shows the read
 *  8. a company mailbox in the Virk theme
 *  9. the virtual list at 100,000 letters
 * 10. keyboard only
 * 11. language switch
 * 12. 200% zoom and narrow windows
 * 13. dark mode
 * 14. offline, signed out, first sync, new mail
 * 15. empty states, the compose view's first step, errors in plain words
 * 16. a MeMo file opened from disk: read-only, no account, no mailbox
 * (writing, replying and forwarding: compose.test.mjs)
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
  const session = await openApp(browser, server.url, opts);
  await session.page.getByTestId('message-list').waitFor();
  await session.page.locator('.mrow .mrow-sender').first().waitFor();
  return session;
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} subject
 */
async function openLetter(page, subject) {
  await page.locator('.mrow', { hasText: subject }).click();
  await page.getByRole('heading', { level: 2, name: subject }).waitFor();
}

/** @param {import('playwright-core').Page} page */
function mock(page) {
  return {
    /** @param {string} event @param {unknown} payload */
    emit: (event, payload) =>
      page.evaluate(([e, p]) => /** @type {any} */ (window).__brevdueMock.emit(e, p), /** @type {const} */ ([event, payload])),
    /** @param {string} cmd @param {string} code */
    failNext: (cmd, code) =>
      page.evaluate(([c, k]) => /** @type {any} */ (window).__brevdueMock.failNext(c, k), [cmd, code]),
    clearFailures: () => page.evaluate(() => /** @type {any} */ (window).__brevdueMock.clearFailures()),
    /** @returns {Promise<{cmd: string, args: any}[]>} */
    calls: () => page.evaluate(() => /** @type {any} */ (window).__brevdueMock.world.calls.map((/** @type {any} */ c) => ({ cmd: c.cmd, args: c.args }))),
    /** @returns {Promise<string[]>} */
    opened: () => page.evaluate(() => [.../** @type {any} */ (window).__brevdueMock.world.opened]),
  };
}

describe('Brevdue in the browser', { concurrency: false }, () => {
  it('1. signs in as a demo identity, with the Demo marker in sight', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await openApp(browser, server.url, { config: { signedInAs: null } });
    await page.getByRole('heading', { name: 'Log ind' }).waitFor();
    assert.equal(await page.locator('.demo-badge').textContent(), 'Demo');
    assert.match((await page.locator('.demo-line').textContent()) ?? '', /Alt er opdigtet/);
    const identities = await page.locator('.identity-name').allTextContents();
    assert.deepEqual(identities, ['Jens Hansen', 'Karen Hansen', 'Sofie Nielsen']);
    await screenshot(page, '01-sign-in');
    await assertAccessible(page, 'sign-in');

    await page.getByRole('button', { name: 'Log ind som Jens Hansen' }).click();
    await page.getByRole('heading', { name: 'Indbakke', level: 1 }).waitFor();
    assert.match((await page.locator('.header-user').textContent()) ?? '', /Jens Hansen/);
    assert.deepEqual(errors, []);
    await context.close();

    // Against a real server: no Demo marker, and MitID through the system browser.
    const real = await openApp(browser, server.url, { config: { signedInAs: null, demo: false } });
    await real.page.getByRole('button', { name: 'Log ind med MitID' }).waitFor();
    assert.equal(await real.page.locator('.demo-badge').count(), 0);
    assert.equal(await real.page.locator('.demo-line').count(), 0);
    assert.match((await real.page.locator('.signin').textContent()) ?? '', /Din browser åbner/);
    await assertAccessible(real.page, 'sign-in with a real server');
    await real.page.getByRole('button', { name: 'Log ind med MitID' }).click();
    await real.page.getByRole('heading', { name: 'Indbakke', level: 1 }).waitFor();
    assert.deepEqual(real.errors, []);
    await real.context.close();
  });

  it('2. shows the inbox: sender, subject, date, unread, flag, actions and deadlines', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    assert.equal(await page.locator('.list-count').textContent(), '7 breve');
    const first = page.locator('.mrow').first();
    assert.match((await first.textContent()) ?? '', /Region Hovedstaden, Rigshospitalet/);
    assert.match((await first.textContent()) ?? '', /Indkaldelse til MR-scanning af knæet/);
    assert.equal(await first.locator('.mrow-date').textContent(), '07.42');
    assert.equal(await page.locator('.mrow.unread').count(), 3);
    const payment = page.locator('.mrow', { hasText: 'ejendomsskat' });
    assert.equal(await payment.locator('.mrow-flag').count(), 1);
    assert.equal(await payment.locator('.mrow-deadline').getAttribute('data-urgency'), 'soon');
    assert.match((await payment.locator('.mrow-deadline').textContent()) ?? '', /Frist om 2 dage/);
    const overdue = page.locator('.mrow', { hasText: 'SFO' });
    assert.equal(await overdue.locator('.mrow-deadline').getAttribute('data-urgency'), 'passed');
    // The folder shows its unread count.
    assert.match((await page.locator('.folder-list li.current').textContent()) ?? '', /3/);
    await screenshot(page, '02-inbox');
    await assertAccessible(page, 'inbox');

    // Search and sort go to the Rust side as arguments.
    await page.getByLabel('Søg i breve').fill('ejendomsskat');
    await page.keyboard.press('Enter');
    await page.locator('.list-count', { hasText: '1 brev' }).waitFor();
    await page.getByRole('button', { name: 'Ryd søgning' }).click();
    await page.locator('.list-count', { hasText: '7 breve' }).waitFor();
    await page.getByLabel('Sortér').selectOption('sender');
    await page.locator('.mrow').first().filter({ hasText: 'Københavns Kommune' }).waitFor();
    const listCalls = (await mock(page).calls()).filter((c) => c.cmd === 'list_messages');
    assert.ok(listCalls.some((c) => c.args.search === 'ejendomsskat'));
    assert.ok(listCalls.some((c) => c.args.sort === 'sender'));
    // The start's time went to the app's log once, after the first list (7 letters) was drawn,
    // and not again for the search or the new sort.
    const shown = (await mock(page).calls()).filter((c) => c.cmd === 'first_list_shown');
    assert.equal(shown.length, 1);
    assert.equal(shown[0].args.letters, 7);
    assert.ok(shown[0].args.pageMs > 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('3. opens a letter with an appointment and shows what to do first', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    await openLetter(page, 'Indkaldelse til MR-scanning af knæet');
    const view = page.getByTestId('message-view');
    assert.equal(await view.getByTestId('received').textContent(), '24. november 2026 kl. 07.42');
    const todo = page.getByTestId('todo');
    assert.equal(await todo.getByRole('heading', { name: 'Det skal du gøre' }).count(), 1);
    const box = todo.getByTestId('action-box').first();
    assert.equal(await box.locator('.action-code').textContent(), 'Aftale');
    assert.match((await box.textContent()) ?? '', /Fredag 27\. november 2026 kl\. 09\.00–09\.45/);
    assert.match((await box.textContent()) ?? '', /Blegdamsvej 9, 2100 København Ø/);
    // "Det skal du gøre" comes before the letter itself.
    const order = await page.evaluate(() => {
      const todoEl = document.querySelector('[data-testid="todo"]');
      const doc = document.querySelector('.message-document');
      return todoEl && doc ? todoEl.compareDocumentPosition(doc) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
    });
    assert.ok(order, 'the actions come before the document');
    // Opening marks it read.
    await page.locator('.folder-list li.current', { hasText: '2' }).waitFor();

    await box.getByRole('button', { name: 'Tilføj til kalender' }).click();
    await page.locator('.notices', { hasText: 'Kalenderfilen er gemt' }).waitFor();
    const ics = (await mock(page).calls()).find((c) => c.cmd === 'export_ics');
    assert.equal(ics?.args.scope.messageId, 'm-1');
    assert.ok(ics?.args.scope.uid, 'the appointment alone');

    // The PDF is drawn by pdf.js: the page canvas has ink on it.
    await page.locator('.pdf-view[data-pages="1"] canvas').waitFor();
    await page.waitForFunction(() => {
      const c = /** @type {HTMLCanvasElement | null} */ (document.querySelector('.pdf-view canvas'));
      if (!c || c.width === 0) return false;
      const ctx = c.getContext('2d');
      if (!ctx) return false;
      const d = ctx.getImageData(0, 0, c.width, Math.min(c.height, 400)).data;
      for (let i = 0; i < d.length; i += 4) if ((d[i] ?? 255) < 128) return true;
      return false;
    }, undefined, { timeout: 20_000 });
    await screenshot(page, '03-letter-appointment');
    await assertAccessible(page, 'letter');
    await page.locator('.message-document').scrollIntoViewIfNeeded();
    await screenshot(page, '03b-letter-pdf');

    // Its other rendition, plain text.
    await page.locator('.message-document').getByRole('button', { name: 'Vis som tekst' }).click();
    await page.getByTestId('letter-text').waitFor();
    assert.match((await page.getByTestId('letter-text').textContent()) ?? '', /Kære Jens Hansen/);
    // The additional document opens inline.
    await page.locator('.attachment', { hasText: 'Sådan foregår en MR-scanning' }).getByRole('button', { name: 'Vis som tekst' }).click();
    await page.locator('.attachment [data-testid="letter-text"]').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('4. shows a payment deadline in red with its entry point, and asks before opening it', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    await openLetter(page, 'Opkrævning af ejendomsskat, 2. rate');
    const box = page.getByTestId('action-box').first();
    assert.equal(await box.locator('.action-code').textContent(), 'Betaling');
    const deadline = box.getByTestId('deadline');
    assert.equal(await deadline.getAttribute('data-urgency'), 'soon');
    assert.match((await deadline.textContent()) ?? '', /26\. november 2026 kl\. 23\.59/);
    assert.match((await deadline.textContent()) ?? '', /om 2 dage/);
    const color = await deadline.evaluate((el) => getComputedStyle(el).color);
    assert.equal(color, 'rgb(179, 0, 0)', 'red');

    await box.getByRole('button', { name: 'Gå til betaling.kommune.example' }).click();
    const dialog = page.getByTestId('entry-dialog');
    await dialog.getByRole('heading', { name: 'Åbn en side uden for Brevdue?' }).waitFor();
    assert.equal(await dialog.getByTestId('entry-url').textContent(), 'https://betaling.kommune.example/ejendomsskat?ref=55120');
    await screenshot(page, '04-entry-point-dialog');
    await assertAccessible(page, 'entry point dialog');
    // Escape cancels; nothing opens.
    await page.keyboard.press('Escape');
    await dialog.getByRole('heading').waitFor({ state: 'detached' });
    assert.deepEqual(await mock(page).opened(), []);
    await box.getByRole('button', { name: 'Gå til betaling.kommune.example' }).click();
    await page.getByRole('button', { name: 'Åbn i browser' }).click();
    await page.waitForFunction(() => /** @type {any} */ (window).__brevdueMock.world.opened.length === 1);
    assert.deepEqual(await mock(page).opened(), ['https://betaling.kommune.example/ejendomsskat?ref=55120']);

    // A hostile letter's javascript: link gets no button at all.
    await openLetter(page, 'Påmindelse om betaling');
    assert.equal(await page.getByRole('button', { name: /Gå til/ }).count(), 0);
    assert.match((await page.locator('.bad-link').textContent()) ?? '', /javascript:/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('5. shows an HTML letter in a sandboxed frame, with its markings and reply deadline', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    await openLetter(page, 'Partshøring om din boligstøtte');
    const marks = await page.locator('.message-marks').textContent();
    assert.match(marks ?? '', /Obligatorisk post/);
    assert.match(marks ?? '', /Lovpligtig meddelelse/);
    const header = page.locator('.message-meta');
    assert.match((await header.textContent()) ?? '', /Svarfrist/);
    const frame = page.getByTestId('letter-frame');
    await frame.waitFor();
    assert.equal(await frame.getAttribute('sandbox'), '');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    assert.match(srcdoc, /Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"/);
    assert.doesNotMatch(srcdoc, /tracker\.example|href=/);
    assert.match(srcdoc, /Partshøring om din boligstøtte/);
    // Nothing ran inside the frame, and nothing was fetched from outside (the harness
    // aborts any request off the local server; a fetch would show as a console error).
    await screenshot(page, '05-letter-html');
    await assertAccessible(page, 'HTML letter');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('6. gathers every coming appointment and deadline in the agenda', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    await page.getByRole('button', { name: 'Agenda' }).click();
    await page.getByRole('heading', { name: 'Agenda', level: 1 }).waitFor();
    await page.getByTestId('agenda-item').first().waitFor();
    const groups = await page.locator('.agenda-week').allTextContents();
    assert.match(groups[0] ?? '', /Overskredne frister/);
    assert.match(groups[1] ?? '', /Uge 48/);
    const overdue = page.locator('.agenda-overdue [data-testid="agenda-item"]');
    assert.equal(await overdue.count(), 1);
    assert.match((await overdue.textContent()) ?? '', /Tilmeld Ida til SFO/);
    assert.match((await overdue.textContent()) ?? '', /Overskredet/);
    const all = await page.getByTestId('agenda-item').allTextContents();
    assert.ok(all.some((t) => /Årskontrol hos egen læge/.test(t) && /Postkasse: Karen Hansen/.test(t)), 'Karen’s appointment, named by mailbox');
    assert.ok(all.some((t) => /Angiv moms/.test(t) && /Postkasse: Hansens Tømrer ApS/.test(t)), 'the company’s deadline');
    assert.ok(all.some((t) => /MR-scanning/.test(t) && /Fredag 27\. november 2026/.test(t)));
    await screenshot(page, '06-agenda');
    await assertAccessible(page, 'agenda');

    await page.getByRole('button', { name: 'Gem alt i kalenderfil (.ics)' }).click();
    await page.locator('.notices', { hasText: 'brevdue-agenda.ics' }).waitFor();

    // An item opens its letter, in its own mailbox.
    await page.getByRole('button', { name: 'Åbn brevet: Indkaldelse til årskontrol' }).click();
    await page.getByRole('heading', { level: 2, name: 'Indkaldelse til årskontrol' }).waitFor();
    await page.getByTestId('read-access-banner').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('7. in a read-access mailbox: a banner, and no delete, reply or compose', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    await page.getByRole('button', { name: /Karen Hansen/ }).click();
    const banner = page.getByTestId('read-access-banner');
    await banner.waitFor();
    assert.match((await banner.textContent()) ?? '', /Du læser Karen Hansens post med læseadgang\./);
    assert.match((await banner.textContent()) ?? '', /Din adgang udløber 24\. marts 2027\./);
    await page.locator('.mrow', { hasText: 'Indkaldelse til årskontrol' }).waitFor();
    await openLetter(page, 'Indkaldelse til årskontrol');
    const actions = page.getByTestId('message-actions');
    const names = (await actions.getByRole('button').allTextContents()).map((s) => s.trim());
    for (const gone of ['Slet', 'Svar', 'Videresend']) assert.ok(!names.includes(gone), `${gone} is absent`);
    assert.ok(names.includes('Flyt'));
    assert.ok(names.includes('Markér som ulæst'));
    assert.equal(await page.getByRole('button', { name: 'Skriv ny besked' }).count(), 0);
    assert.equal(await page.locator('[disabled]').count(), 0, 'nothing greyed out');
    // The banner stays while reading.
    assert.ok(await banner.isVisible());
    await screenshot(page, '07-read-access');
    await assertAccessible(page, 'read-access mailbox');

    // Moving is allowed with read access.
    await actions.getByRole('button', { name: 'Flyt' }).click();
    await page.getByRole('dialog').getByLabel('Slettet').check();
    await assertAccessible(page, 'move dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Flyt' }).click();
    await page.locator('.notices', { hasText: 'Brevet er flyttet til Slettet' }).waitFor();

    // Karen sees that Jens read her letter: "Hvem har læst min post".
    await page.getByRole('button', { name: 'Log ud' }).click();
    await page.getByRole('button', { name: /Log ind som Karen Hansen/ }).click();
    await page.getByRole('button', { name: 'Hvem har læst min post' }).click();
    await page.getByRole('heading', { name: 'Hvem har læst min post', level: 1 }).waitFor();
    const entry = page.getByTestId('access-entry').first();
    await entry.waitFor();
    assert.match((await entry.textContent()) ?? '', /Jens Hansen.*hentede brevet.*Indkaldelse til årskontrol/s);
    await screenshot(page, '07-access-log');
    await assertAccessible(page, 'access log');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('8. shows a company mailbox in the Virk theme', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    const green = await page.locator('.compose-button').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(green, 'rgb(68, 131, 30)', 'borger.dk green for a person');
    await page.getByRole('button', { name: /Hansens Tømrer ApS/ }).click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'virkdk');
    await page.locator('.list-count', { hasText: '100.001 breve' }).waitFor();
    const blue = await page.locator('.compose-button').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(blue, 'rgb(0, 89, 179)', 'Virk blue for a company');
    const link = await page.evaluate(() =>
      [...document.querySelectorAll('link[data-theme]')].map((l) => [/** @type {HTMLLinkElement} */ (l).dataset.theme, /** @type {HTMLLinkElement} */ (l).media]),
    );
    assert.deepEqual(link.sort(), [['borgerdk', 'not all'], ['virkdk', 'all']]);
    await openLetter(page, 'Momsangivelse for 3. kvartal');
    await screenshot(page, '08-company-virk');
    await assertAccessible(page, 'company mailbox');
    // And back to the person's theme.
    await page.getByRole('button', { name: /Jens Hansen/ }).click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'borgerdk');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('9. keeps 100,000 letters light: few rows in the page, pages fetched by offset', { timeout: 120_000 }, async () => {
    const { page, context, errors } = await signedIn();
    await page.getByRole('button', { name: /Hansens Tømrer ApS/ }).click();
    await page.locator('.list-count', { hasText: '100.001 breve' }).waitFor();
    await page.locator('.mrow', { hasText: 'Momsangivelse' }).waitFor();
    const rowsAtTop = await page.locator('.mrow').count();
    assert.ok(rowsAtTop < 40, `only the visible rows are rendered (${rowsAtTop})`);
    const spacer = await page.locator('.vlist-spacer').evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(spacer > 100_000 * 50, 'the scroll area is as tall as all rows');

    // Jump to the middle, then the end.
    await page.locator('.vlist').evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await page.locator('.mrow[data-index="50000"] .mrow-sender, .mrow[data-index="50001"] .mrow-sender').first().waitFor();
    await page.locator('.vlist').focus();
    await page.keyboard.press('End');
    await page.locator('.mrow[data-index="100000"]', { hasText: 'nr. 1' }).waitFor();
    const rowsAtEnd = await page.locator('.mrow').count();
    assert.ok(rowsAtEnd < 40, `still few rows (${rowsAtEnd})`);

    // How smooth it feels is measured by `npm run bench:scroll`, not asserted here.

    const calls = (await mock(page).calls()).filter((c) => c.cmd === 'list_messages' && c.args.folderId === 'mb-firma:INBOX');
    assert.ok(calls.every((c) => c.args.limit === 100), 'pages of 100');
    assert.ok(calls.length < 40, `pages fetched by offset as needed, not all 1,001 (${calls.length})`);
    assert.ok(calls.some((c) => c.args.offset >= 99_900), 'the last page was fetched by its offset');
    await page.locator('.vlist').evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await page.locator('.mrow[data-index="50001"] .mrow-sender').waitFor();
    await screenshot(page, '09-virtual-list-middle');
    await assertAccessible(page, '100,000-letter list');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('10. works by keyboard alone, with a visible focus', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    // The skip link comes first and leads to the content.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Gå til indhold');

    /** @param {(el: Element) => boolean} fn @param {string} what */
    async function tabTo(fn, what) {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        const found = await page.evaluate(`(${fn.toString()})(document.activeElement)`);
        if (found) return;
      }
      assert.fail(`could not reach ${what} with Tab`);
    }
    // Mailbox switcher by keyboard.
    await tabTo((el) => el.classList.contains('mailbox-button') && /Hansens Tømrer/.test(el.textContent ?? ''), 'the company mailbox');
    const outline = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth : '';
    });
    assert.equal(outline, 'solid 3px', 'focus is visible');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'virkdk');
    await tabTo((el) => /Jens Hansen/.test(el.textContent ?? '') && el.classList.contains('mailbox-button'), 'the own mailbox');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'borgerdk');
    await page.locator('.list-count', { hasText: '7 breve' }).waitFor();

    // The list is one tab stop; arrows move, Enter opens.
    await tabTo((el) => el.getAttribute('role') === 'listbox', 'the message list');
    const listOutline = await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle);
    assert.equal(listOutline, 'solid');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const active = await page.evaluate(() => document.activeElement?.getAttribute('aria-activedescendant'));
    assert.equal(active, 'message-list-row-2');
    const activeOutline = await page.locator('#message-list-row-2').evaluate((el) => getComputedStyle(el).outlineStyle);
    assert.equal(activeOutline, 'solid', 'the active row shows focus');
    await screenshot(page, '10-keyboard-list');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Partshøring om din boligstøtte' }).waitFor();
    // Focus moves to the letter's heading, so a screen reader starts there.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'message-subject');
    // On through the letter's buttons.
    await tabTo((el) => el.textContent?.trim() === 'Markér med flag', 'the flag button');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Fjern flag' }).waitFor();
    await tabTo((el) => el.textContent?.trim() === 'Slet', 'the delete button');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Slet brevet?' }).waitFor();
    await assertAccessible(page, 'delete dialog');
    await page.keyboard.press('Escape');
    await dialog.getByRole('heading').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Slet', 'focus returns to the button');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('11. switches between Danish and English', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('.list-count').textContent(), '7 letters');
    assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible());
    await openLetter(page, 'Indkaldelse til MR-scanning af knæet');
    assert.equal(await page.getByTestId('received').textContent(), '24 November 2026 at 07:42');
    assert.equal(await page.locator('.action-code').first().textContent(), 'Appointment');
    assert.ok(await page.getByRole('heading', { name: 'What you need to do' }).isVisible());
    const setLang = (await mock(page).calls()).find((c) => c.cmd === 'set_language');
    assert.deepEqual(setLang?.args, { language: 'en' });
    await screenshot(page, '11-english');
    await assertAccessible(page, 'English');
    await page.getByTestId('language-switch').click();
    await page.getByRole('heading', { name: 'Det skal du gøre' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('12. stacks the panes at 200% zoom and stays usable', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn({ width: 1280, height: 800, zoom: 2 });
    const nav = await page.locator('.pane-nav').boundingBox();
    const list = await page.locator('.pane-list').boundingBox();
    assert.ok(nav && list && list.y >= nav.y + nav.height - 1, 'the list sits below the folders');
    assert.ok(list && list.width > 500, 'the list takes the full width');
    await screenshot(page, '12a-zoom200-top');
    await assertAccessible(page, '200% zoom list');
    await page.locator('.list-head').evaluate((el) => el.scrollIntoView());
    await screenshot(page, '12a-zoom200-list');
    await openLetter(page, 'Indkaldelse til MR-scanning af knæet');
    assert.equal(await page.locator('.pane-list').isVisible(), false, 'the letter takes the place of the list');
    await page.getByRole('button', { name: 'Tilbage til listen' }).waitFor();
    await page.getByTestId('todo').scrollIntoViewIfNeeded();
    await screenshot(page, '12b-zoom200-letter');
    await assertAccessible(page, '200% zoom letter');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
    await page.getByRole('button', { name: 'Tilbage til listen' }).click();
    await page.locator('.pane-list').waitFor({ state: 'visible' });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('13. follows a dark system colour scheme', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn({ colorScheme: 'dark' });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(17, 19, 21)');
    await screenshot(page, '13a-dark-inbox');
    await assertAccessible(page, 'dark inbox');
    await openLetter(page, 'Opkrævning af ejendomsskat, 2. rate');
    await screenshot(page, '13b-dark-letter');
    await assertAccessible(page, 'dark letter');
    await page.getByRole('button', { name: /Hansens Tømrer ApS/ }).click();
    await page.locator('.mrow', { hasText: 'Momsangivelse' }).waitFor();
    await assertAccessible(page, 'dark company');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('14. is calm offline and signed out, and shows sync progress and new mail', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    const m = mock(page);
    await m.emit('sync-progress', { done: 120, total: 500 });
    const progress = page.getByTestId('sync-progress');
    await progress.waitFor();
    assert.match((await progress.textContent()) ?? '', /Henter din post: 120 af 500 breve/);
    await screenshot(page, '14a-first-sync');
    await assertAccessible(page, 'first sync');
    await m.emit('sync-progress', { done: 500, total: 500 });
    await progress.waitFor({ state: 'detached' });

    await m.emit('connectivity', { online: false, signedIn: true });
    const offline = page.getByTestId('offline-banner');
    await offline.waitFor();
    assert.match((await offline.textContent()) ?? '', /Du kan stadig læse den post, der allerede er hentet/);
    // Cached mail stays readable.
    await openLetter(page, 'Indkaldelse til MR-scanning af knæet');
    await screenshot(page, '14b-offline');
    await assertAccessible(page, 'offline');

    await m.emit('connectivity', { online: true, signedIn: false });
    const signedOut = page.getByTestId('signed-out-banner');
    await signedOut.waitFor();
    assert.match((await signedOut.textContent()) ?? '', /Log ind igen/);
    await assertAccessible(page, 'signed out');
    await m.emit('connectivity', { online: true, signedIn: true });
    await signedOut.waitFor({ state: 'detached' });

    await m.emit('new-mail', { mailboxId: 'mb-jens', count: 2 });
    await page.locator('.notices', { hasText: 'Du har fået 2 nye breve.' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('15. says what will appear in empty places, where writing starts, and what went wrong', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await openApp(browser, server.url, { config: { signedInAs: 'sofie' } });
    const empty = page.getByTestId('list-empty');
    await empty.waitFor();
    assert.match((await empty.textContent()) ?? '', /Når en myndighed sender dig et brev, kommer det her/);
    await screenshot(page, '15a-empty-inbox');
    await assertAccessible(page, 'empty inbox');
    await page.getByRole('button', { name: 'Agenda' }).click();
    await page.getByText('Du har ingen kommende aftaler eller frister').waitFor();
    await assertAccessible(page, 'empty agenda');

    await page.getByRole('button', { name: 'Skriv ny besked' }).click();
    const compose = page.getByTestId('compose');
    await compose.waitFor();
    assert.equal(await compose.getAttribute('data-step'), 'who');
    assert.ok(await page.getByRole('radio', { name: 'En kommune' }).isVisible());
    await screenshot(page, '15b-compose-start');
    await assertAccessible(page, 'compose start');
    await context.close();

    // A failing command is told in plain Danish, never as a code alone.
    const s = await signedIn();
    await mock(s.page).failNext('get_message', 'server');
    await s.page.locator('.mrow', { hasText: 'Indkaldelse til MR-scanning' }).click();
    const alert = s.page.getByTestId('message-view').getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Digital Post svarer ikke lige nu\. Prøv igen om lidt\./);
    assert.doesNotMatch((await alert.textContent()) ?? '', /server|forced failure/);
    await assertAccessible(s.page, 'error');
    await mock(s.page).clearFailures();
    await alert.getByRole('button', { name: 'Prøv igen' }).click();
    await s.page.getByRole('heading', { level: 2, name: 'Indkaldelse til MR-scanning af knæet' }).waitFor();
    assert.deepEqual(errors, []);
    assert.deepEqual(s.errors, []);
    await s.context.close();
  });

  it('16. shows a MeMo file opened from disk read-only, with no account and no mailbox', { timeout: 90_000 }, async () => {
    const subject = 'Indkaldelse til MR-scanning af knæet';
    const { page, context, errors } = await openApp(browser, server.url, {
      config: { signedInAs: null, bigFolderSize: 10, file: { label: subject, name: 'indkaldelse.memo' } },
    });
    await page.getByRole('heading', { level: 2, name: subject }).waitFor();
    assert.match((await page.getByTestId('file-view').getByRole('note').textContent()) ?? '', /MeMo-fil: indkaldelse\.memo/);
    // The letter's action and its PDF, from the file's own commands.
    assert.match((await page.getByTestId('todo').textContent()) ?? '', /MR-scanning af venstre knæ/);
    await page.getByTestId('document-view').locator('canvas').first().waitFor();
    // Read-only: no sign-in, no mailbox, nothing that changes anything.
    for (const name of [/Log ind/, /Slet/, /Flyt/, /Svar/, /Tilbage til listen/]) {
      assert.equal(await page.getByRole('button', { name }).count(), 0, `no ${name} button`);
    }
    await page.getByRole('button', { name: 'Tilføj til kalender' }).first().click();
    await page.getByText(/aftale\.ics/).waitFor();
    const asked = (await mock(page).calls()).map((c) => c.cmd);
    assert.ok(asked.includes('export_memo_file_ics'));
    for (const cmd of ['app_info', 'mailboxes', 'folders', 'get_message', 'file_content', 'export_ics']) {
      assert.ok(!asked.includes(cmd), `file mode asked for ${cmd}`);
    }
    await screenshot(page, '16-memo-file');
    await assertAccessible(page, 'MeMo file');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
