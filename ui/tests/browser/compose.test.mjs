// @ts-check
/**
 * Browser tests of writing to the public sector, in the BUILT UI (dist/) in Debian's
 * Chromium, with the fixture world behind Tauri's mockIPC: what a person does, step by step,
 * with axe-core scans of every step of compose (no serious or critical violation) and
 * screenshots in test-results/.
 *
 *  1. search as you type ("PAS" and "pas", a second word narrows, a hidden one never shows),
 *     the self-service link, extra fields, attachments by dialog and by drop, send, SENT
 *  2. the limits: a message that says what to do, and nothing sent
 *  3. drafts saved as the user types, listed in Kladder, restored when reopened
 *  4. reply (with the thread afterwards) and forward to a CPR number
 *  5. a read-access mailbox: no compose, no reply, no forward; a deep link goes to the own
 *  6. keyboard only, and 200% zoom
 *  7. a reply reopened from Kladder still replies to its letter
 *  8. browsing the contact groups, narrowed by the kind of authority chosen
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

/** @param {import('playwright-core').Page} page */
function mock(page) {
  return {
    /** @returns {Promise<{cmd: string, args: any}[]>} */
    calls: () => page.evaluate(() => /** @type {any} */ (window).__brevdueMock.world.calls.map((/** @type {any} */ c) => ({ cmd: c.cmd, args: c.args }))),
    /** @param {{name: string, size: number}[]} files */
    drop: (files) => page.evaluate((f) => /** @type {any} */ (window).__brevdueMock.drop(f), files),
    /** @param {{name: string, size: number}[]} files */
    nextPick: (files) =>
      page.evaluate((f) => {
        /** @type {any} */ (window).__brevdueMock.world.writing.nextPick = f;
      }, files),
    /** @returns {Promise<any[]>} */
    sent: () => page.evaluate(() => /** @type {any} */ (window).__brevdueMock.world.writing.sent.map((/** @type {any} */ s) => s.draft)),
    /** @param {boolean} online */
    setOnline: (online) =>
      page.evaluate((o) => {
        /** @type {any} */ (window).__brevdueMock.world.online = o;
      }, online),
  };
}

/** @param {import('playwright-core').Page} page */
async function resultNames(page) {
  await page.locator('#cp-results[aria-busy="false"]').waitFor();
  return page.locator('[data-testid="cp-results"] .cp-result-name').allTextContents();
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} query
 */
async function search(page, query) {
  const before = (await mock(page).calls()).filter((c) => c.cmd === 'search_contact_points').length;
  await page.getByLabel('Søg efter emne').fill(query);
  await page.waitForFunction(
    (n) => /** @type {any} */ (window).__brevdueMock.world.calls.filter((/** @type {any} */ c) => c.cmd === 'search_contact_points').length > n,
    before,
  );
  return resultNames(page);
}

describe('Writing in the browser', { concurrency: false }, () => {
  it('1. finds the passport office, shows its self-service link, sends with attachments, and shows it in Sendt', { timeout: 120_000 }, async () => {
    const { page, context, errors } = await signedIn();
    const m = mock(page);
    await page.getByRole('button', { name: 'Skriv ny besked' }).click();
    await page.getByTestId('compose').waitFor();
    await screenshot(page, 'c01a-compose-who');
    await assertAccessible(page, 'compose: who');

    await page.getByRole('radio', { name: 'En kommune' }).check();
    assert.deepEqual(await search(page, 'PAS'), ['Pas']);
    assert.deepEqual(await search(page, 'pas'), ['Pas'], 'case does not matter');
    // The hidden "Pas (internt)" matches "pas" by its words, and never shows.
    assert.equal(await page.getByText('Pas (internt)').count(), 0);
    assert.deepEqual(await search(page, 'mistet'), ['Pas', 'Kørekort']);
    assert.deepEqual(await search(page, 'mistet kørekort'), ['Kørekort'], 'a second word narrows');
    assert.deepEqual(await search(page, 'mistet pas'), ['Pas']);
    const last = (await m.calls()).filter((c) => c.cmd === 'search_contact_points').at(-1);
    assert.deepEqual(last?.args, { query: 'mistet pas', authorityType: 'MUNICIPALITY' });
    await screenshot(page, 'c01b-compose-search');
    await assertAccessible(page, 'compose: search results');

    await page.locator('.cp-result', { hasText: 'Pas' }).click();
    const card = page.getByTestId('cp-card');
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /Fjordmark Kommune: Pas/);
    assert.match((await card.textContent()) ?? '', /fingeraftryk/);
    const selfService = page.getByTestId('cp-self-service').getByRole('button', { name: /Gå til selvbetjening\.fjordmark\.example/ });
    assert.ok(await selfService.isVisible(), 'the self-service link is shown');
    // It goes through the usual flow: the whole address first, then Rust opens it.
    await selfService.click();
    const dialog = page.getByTestId('entry-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getByTestId('entry-url').textContent(), 'https://selvbetjening.fjordmark.example/pas/bestil-tid');
    await dialog.getByRole('button', { name: 'Annullér' }).click();
    // Extra fields, optional.
    assert.equal(await page.getByLabel(/Barnets CPR-nummer/).getAttribute('required'), null);
    await page.getByLabel('Emne').fill('Mistet pas i udlandet');
    await page.getByLabel(/Dit pasnummer/).fill('201234567');
    await page.getByRole('textbox', { name: 'Besked' }).fill('Jeg har mistet mit pas på ferie. Hvad gør jeg?');
    await screenshot(page, 'c01c-compose-message');
    await assertAccessible(page, 'compose: message');

    await page.getByRole('button', { name: 'Næste' }).click();
    await m.nextPick([{ name: 'politianmeldelse.pdf', size: 180_000 }]);
    await page.getByRole('button', { name: 'Vælg filer' }).click();
    await page.getByText('politianmeldelse.pdf').waitFor();
    await m.drop([{ name: 'pasfoto.jpg', size: 2_400_000 }]);
    await page.getByText('pasfoto.jpg').waitFor();
    assert.match((await page.getByTestId('compose-total').textContent()) ?? '', /af højst 20 MB/);
    await screenshot(page, 'c01d-compose-attachments');
    await assertAccessible(page, 'compose: attachments');

    await page.getByRole('button', { name: 'Send beskeden' }).click();
    const receipt = page.getByTestId('compose-receipt');
    await receipt.waitFor();
    assert.match((await receipt.textContent()) ?? '', /Din besked er sendt/);
    await screenshot(page, 'c01e-compose-receipt');
    await assertAccessible(page, 'compose: receipt');
    const [sent] = await m.sent();
    assert.equal(sent.recipient.id, 'fjordmark-pas');
    assert.equal(sent.subject, 'Mistet pas i udlandet');
    assert.deepEqual(sent.extraFields, [
      { label: 'Barnets CPR-nummer', value: '' },
      { label: 'Dit pasnummer', value: '201234567' },
    ]);
    assert.deepEqual(sent.attachments.map((/** @type {any} */ a) => a.name), ['politianmeldelse.pdf', 'pasfoto.jpg']);

    await page.getByRole('button', { name: 'Gå til Sendt' }).click();
    await page.getByRole('heading', { name: 'Sendt', level: 1 }).waitFor();
    await page.locator('.mrow', { hasText: 'Mistet pas i udlandet' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('2. says what to do when the files are too many or too big, and sends nothing', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    const m = mock(page);
    await page.getByRole('button', { name: 'Skriv ny besked' }).click();
    await page.getByRole('radio', { name: 'En kommune' }).check();
    await page.getByRole('button', { name: 'Se alle emner' }).click();
    // Browsing by path.
    await page.getByRole('button', { name: 'Borgerservice/Pas og kørekort' }).click();
    await page.locator('.cp-result', { hasText: 'Pas' }).first().click();
    await page.getByLabel('Emne').fill('Billeder');
    await page.getByRole('button', { name: 'Næste' }).click();
    await m.nextPick([
      { name: 'a.jpg', size: 9_000_000 },
      { name: 'b.jpg', size: 9_000_000 },
      { name: 'c.jpg', size: 9_000_000 },
      { name: 'd.jpg', size: 1_000 },
    ]);
    await page.getByRole('button', { name: 'Vælg filer' }).click();
    const warn = page.getByTestId('compose-limits');
    await warn.waitFor();
    assert.match((await warn.textContent()) ?? '', /Du kan højst sende 3 filer her\. Fjern 1/);
    assert.match((await warn.textContent()) ?? '', /højst fylde 20 MB\. Fjern en fil/);
    await page.getByRole('button', { name: 'Send beskeden' }).click();
    const problems = page.getByTestId('compose-problems');
    await problems.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'compose-problems');
    await screenshot(page, 'c02-compose-limits');
    await assertAccessible(page, 'compose: limits');
    assert.equal((await m.calls()).filter((c) => c.cmd === 'send_message').length, 0);
    // Removing files fixes it.
    await page.getByRole('button', { name: 'Fjern a.jpg' }).click();
    await page.getByRole('button', { name: 'Fjern b.jpg' }).click();
    await warn.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Send beskeden' }).click();
    await page.getByTestId('compose-receipt').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('3. saves a draft as the user types, lists it in Kladder, and restores it', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    await page.getByRole('button', { name: 'Skriv ny besked' }).click();
    await page.getByRole('radio', { name: 'En kommune' }).check();
    await search(page, 'affald');
    await page.locator('.cp-result', { hasText: 'Affald' }).click();
    await page.getByLabel('Emne').fill('Storskrald');
    await page.getByRole('textbox', { name: 'Besked' }).fill('Hvornår henter I storskrald på Fjordvej?');
    await page.getByText(/Kladden er gemt/).waitFor();
    await page.getByRole('button', { name: /Kladder/ }).click();
    const list = page.getByTestId('draft-list');
    await list.waitFor();
    await screenshot(page, 'c03-drafts');
    await assertAccessible(page, 'drafts');
    await list.getByRole('button', { name: /Storskrald/ }).click();
    await page.getByTestId('compose').waitFor();
    assert.equal(await page.getByLabel('Emne').inputValue(), 'Storskrald');
    assert.equal(await page.getByRole('textbox', { name: 'Besked' }).inputValue(), 'Hvornår henter I storskrald på Fjordvej?');
    assert.match((await page.getByTestId('cp-card').textContent()) ?? '', /Affald og genbrug/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('4. replies where allowed (and shows the thread), forwards to a CPR number', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    const m = mock(page);
    await page.locator('.mrow', { hasText: 'Indkaldelse til MR-scanning' }).click();
    await page.getByRole('button', { name: 'Svar' }).click();
    await page.getByTestId('compose').waitFor();
    assert.equal(await page.getByTestId('compose').getAttribute('data-step'), 'message');
    assert.equal(await page.getByLabel('Emne').inputValue(), 'Sv: Indkaldelse til MR-scanning af knæet');
    assert.match((await page.locator('.compose-original').textContent()) ?? '', /Region Hovedstaden, Rigshospitalet/);
    await page.getByRole('textbox', { name: 'Besked' }).fill('Jeg kommer gerne, men kan I flytte tiden til om eftermiddagen?');
    await screenshot(page, 'c04a-reply');
    await assertAccessible(page, 'reply');
    await page.getByRole('button', { name: 'Næste' }).click();
    await page.getByRole('button', { name: 'Send beskeden' }).click();
    await page.getByTestId('compose-receipt').waitFor();
    const [reply] = await m.sent();
    assert.equal(reply.kind, 'reply');
    assert.equal(reply.originalMessageId, 'm-1');

    // The letter now shows its conversation.
    await page.getByRole('button', { name: /Indbakke/ }).click();
    await page.locator('.mrow', { hasText: 'Indkaldelse til MR-scanning' }).click();
    const thread = page.getByTestId('thread');
    await thread.waitFor();
    assert.match((await thread.textContent()) ?? '', /2 beskeder/);
    assert.match((await thread.textContent()) ?? '', /Sv: Indkaldelse/);

    // A letter that may not be answered has no Svar button at all.
    await page.locator('.mrow', { hasText: 'ejendomsskat' }).click();
    await page.getByTestId('message-actions').waitFor();
    assert.equal(await page.getByTestId('message-actions').getByRole('button', { name: 'Svar' }).count(), 0);

    await page.getByTestId('message-actions').getByRole('button', { name: 'Videresend' }).click();
    await page.getByRole('radio', { name: 'En person (CPR-nummer)' }).check();
    await page.getByRole('textbox', { name: 'CPR-nummer' }).fill('12345');
    await page.getByRole('button', { name: 'Næste' }).click();
    await page.getByText('Et CPR-nummer har 10 cifre.').waitFor();
    await assertAccessible(page, 'forward with a wrong CPR number');
    await page.getByRole('textbox', { name: 'CPR-nummer' }).fill('010190-1234');
    await page.getByRole('button', { name: 'Næste' }).click();
    await page.getByRole('button', { name: 'Næste' }).click();
    await page.getByRole('button', { name: 'Send beskeden' }).click();
    await page.getByTestId('compose-receipt').waitFor();
    const fwd = (await m.sent()).at(-1);
    assert.deepEqual(fwd.recipient, { kind: 'cpr', id: '0101901234' });
    assert.equal(fwd.kind, 'forward');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('5. has no compose, reply or forward with read access; a deep link writes from the own mailbox', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    await page.getByRole('button', { name: /Karen Hansen/ }).click();
    await page.getByTestId('read-access-banner').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Skriv ny besked' }).count(), 0);
    await page.locator('.mrow').first().click();
    await page.getByTestId('message-actions').waitFor();
    for (const gone of ['Svar', 'Videresend']) {
      assert.equal(await page.getByTestId('message-actions').getByRole('button', { name: gone }).count(), 0, gone);
    }
    // brevdue://contact-point/fjordmark-pas, forwarded by Rust as an event.
    await page.evaluate(() => /** @type {any} */ (window).__brevdueMock.emit('open-compose', { contactPointId: 'fjordmark-pas' }));
    await page.getByTestId('cp-card').waitFor();
    assert.match((await page.locator('.mailbox-button[aria-current="true"]').textContent()) ?? '', /Jens Hansen/);
    assert.deepEqual(errors, []);
    await context.close();

    // Started with the link: compose opens once the mailboxes are there.
    const started = await openApp(browser, server.url, { config: { startLink: 'fjordmark-pas' } });
    await started.page.getByTestId('cp-card').waitFor();
    assert.match((await started.page.getByTestId('cp-card').textContent()) ?? '', /Fjordmark Kommune: Pas/);
    assert.deepEqual(started.errors, []);
    await started.context.close();
  });

  it('6. can be written with the keyboard alone, and at 200% zoom', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn({ width: 1280, height: 800, zoom: 2 });
    await page.getByRole('button', { name: 'Skriv ny besked' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('compose').waitFor();
    await page.getByRole('radio', { name: 'Staten' }).focus();
    // Arrow keys move between the radio buttons.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getByRole('radio', { name: 'En kommune' }).isChecked(), true);
    await page.getByLabel('Søg efter emne').focus();
    await page.keyboard.type('pas');
    await resultNames(page);
    await page.locator('.cp-result', { hasText: 'Pas' }).waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('cp-result')), true, 'Tab goes from the search to the first result');
    const outline = await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle);
    assert.notEqual(outline, 'none', 'focus is visible');
    await page.keyboard.press('Enter');
    await page.getByTestId('cp-card').waitFor();
    await screenshot(page, 'c06-zoom200-compose');
    await assertAccessible(page, 'compose at 200% zoom');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('7. reopens a reply from Kladder still replying to its letter, and sends it as a reply', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    const m = mock(page);
    await page.locator('.mrow', { hasText: 'Indkaldelse til MR-scanning' }).click();
    await page.getByRole('button', { name: 'Svar' }).click();
    await page.getByTestId('compose').waitFor();
    await page.getByRole('textbox', { name: 'Besked' }).fill('Kan tiden flyttes?');
    await page.getByText(/Kladden er gemt/).waitFor();
    await page.getByRole('button', { name: /Kladder/ }).click();
    const list = page.getByTestId('draft-list');
    await list.waitFor();
    await list.getByRole('button', { name: /Sv: Indkaldelse/ }).click();
    await page.getByTestId('compose').waitFor();
    // Straight to the message: a reply's recipient is the letter's sender, not a choice.
    assert.equal(await page.getByTestId('compose').getAttribute('data-step'), 'message');
    const about = page.locator('.compose-original');
    await about.waitFor();
    assert.match((await about.textContent()) ?? '', /Du svarer på “Indkaldelse til MR-scanning af knæet”/);
    assert.match((await about.textContent()) ?? '', /Region Hovedstaden, Rigshospitalet/);
    assert.equal(await page.getByRole('textbox', { name: 'Besked' }).inputValue(), 'Kan tiden flyttes?');
    await screenshot(page, 'c07-reopened-reply');
    await page.getByRole('button', { name: 'Næste' }).click();
    await page.getByRole('button', { name: 'Send beskeden' }).click();
    await page.getByTestId('compose-receipt').waitFor();
    const [reply] = await m.sent();
    assert.equal(reply.kind, 'reply');
    assert.equal(reply.originalMessageId, 'm-1');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('8. browses the groups of the kind of authority chosen, as search is narrowed', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await signedIn();
    const m = mock(page);
    await page.getByRole('button', { name: 'Skriv ny besked' }).click();
    await page.getByRole('radio', { name: 'En kommune' }).check();
    await page.getByRole('button', { name: 'Se alle emner' }).click();
    const groups = page.getByTestId('cp-groups');
    await groups.waitFor();
    const paths = () => groups.locator('.cp-group-path').allTextContents();
    assert.deepEqual(await paths(), ['Borgerservice', 'Borgerservice/Pas og kørekort', 'Teknik og miljø']);
    await page.getByRole('radio', { name: 'En region' }).check();
    await groups.locator('.cp-group-path', { hasText: 'Hospital' }).waitFor();
    assert.deepEqual(await paths(), ['Hospital']);
    await page.getByRole('radio', { name: 'Staten' }).check();
    await groups.locator('.cp-group-path', { hasText: 'Personskat' }).waitFor();
    assert.deepEqual(await paths(), ['Personskat']);
    const asked = (await m.calls()).filter((c) => c.cmd === 'contact_groups').map((c) => c.args.authorityType);
    assert.deepEqual(asked, ['MUNICIPALITY', 'REGION', 'STATE']);
    // Back to the municipality: its group opens and a contact point in it can be chosen.
    await page.getByRole('radio', { name: 'En kommune' }).check();
    await page.getByRole('button', { name: 'Borgerservice/Pas og kørekort' }).click();
    await page.locator('.cp-groups .cp-result', { hasText: 'Pas' }).first().click();
    await page.getByTestId('cp-card').waitFor();
    assert.match((await page.getByTestId('cp-card').textContent()) ?? '', /Pas/);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
