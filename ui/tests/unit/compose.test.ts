import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import {
  attachmentProblems,
  byteLimit,
  countLimit,
  debounce,
  emptyDraft,
  MAX_MESSAGE_BYTES,
  normaliseCpr,
  normaliseCvr,
  sendProblems,
} from '../../src/lib/compose';
import { app } from '../../src/lib/state/app.svelte';
import { setLanguage } from '../../src/lib/i18n/index.svelte';
import ComposeView from '../../src/components/ComposeView.svelte';
import Shell from '../../src/components/Shell.svelte';
import { World } from '../fixtures/world';
import { searchContactPoints } from '../fixtures/writing';
import type { Draft, Mailbox } from '../../src/lib/types';

const NOW = new Date('2026-11-24T09:00:00Z');

describe('the limits, checked before sending', () => {
  const draft = (d: Partial<Draft> = {}): Draft => ({
    ...emptyDraft('mb'),
    recipient: { kind: 'contactPoint', id: 'cp', label: 'Kommune: Pas' },
    subject: 'Nyt pas',
    body: 'Hej',
    ...d,
  });
  const file = (size: number, n = 1) => Array.from({ length: n }, (_, i) => ({ handle: `h${i}`, name: `f${i}.pdf`, size }));

  it('never allows more than 99.5 MB, whatever the contact point says', () => {
    expect(byteLimit({ maxTotalBytes: 500_000_000 })).toBe(MAX_MESSAGE_BYTES);
    expect(byteLimit({ maxTotalBytes: 1_000_000 })).toBe(1_000_000);
    expect(byteLimit(null)).toBe(MAX_MESSAGE_BYTES);
    const p = attachmentProblems(file(50_000_000, 2), draft(), null);
    expect(p.map((x) => x.key)).toEqual(['compose.problem.tooBig']);
  });

  it("counts the contact point's own limits on size and number", () => {
    const limits = { maxCount: 2, maxTotalBytes: 5_000_000 };
    expect(countLimit(limits)).toBe(2);
    expect(attachmentProblems(file(1000, 2), draft(), limits)).toEqual([]);
    expect(attachmentProblems(file(1000, 3), draft(), limits).map((x) => x.key)).toEqual(['compose.problem.tooMany']);
    expect(attachmentProblems(file(3_000_000, 2), draft(), limits).map((x) => x.key)).toEqual(['compose.problem.tooBigHere']);
    expect(attachmentProblems(file(10, 1), draft(), { maxCount: 0, maxTotalBytes: 10_000 }).map((x) => x.key)).toEqual([
      'compose.problem.noAttachments',
    ]);
  });

  it('counts the text too, in UTF-8 bytes', () => {
    const limits = { maxTotalBytes: 10 };
    expect(attachmentProblems([], draft({ subject: 'æøå', body: 'æø' }), limits)).toEqual([]);
    expect(attachmentProblems([], draft({ subject: 'æøå', body: 'æøå' }), limits)).toHaveLength(1);
  });

  it('needs a recipient, a subject and something to say', () => {
    const p = sendProblems({ ...emptyDraft('mb') }, null).map((x) => x.key);
    expect(p).toEqual(['compose.problem.noRecipient', 'compose.problem.noSubject', 'compose.problem.empty']);
    expect(sendProblems(draft(), null)).toEqual([]);
    // A forward may go without a note of its own.
    expect(sendProblems(draft({ kind: 'forward', body: '' }), null)).toEqual([]);
  });

  it('reads CPR and CVR numbers strictly', () => {
    expect(normaliseCpr('010190-1234')).toBe('0101901234');
    expect(normaliseCpr('0101901234')).toBe('0101901234');
    for (const bad of ['', '010190123', '01019012345', 'abcdefghij', '0101 901234']) expect(normaliseCpr(bad)).toBeNull();
    expect(normaliseCvr('12345678')).toBe('12345678');
    expect(normaliseCvr('1234567')).toBeNull();
  });

  it('debounces: one call after typing pauses, with the last arguments', () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const d = debounce((s: string) => seen.push(s), 250);
    d('p');
    d('pa');
    vi.advanceTimersByTime(200);
    d('pas');
    vi.advanceTimersByTime(249);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(['pas']);
    d('x');
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual(['pas']);
    vi.useRealTimers();
  });
});

describe("the fixture world's search follows the rules of domain.md", () => {
  it('is case-insensitive, narrows with more words, never finds a hidden contact point', () => {
    const ids = (q: string) => searchContactPoints(q, 'MUNICIPALITY').map((c) => c.id);
    expect(ids('PAS')).toEqual(['fjordmark-pas']);
    expect(ids('pas')).toEqual(['fjordmark-pas']);
    expect(ids('fornyelse')).toEqual(['fjordmark-koerekort']);
    expect(ids('mistet')).toEqual(['fjordmark-pas', 'fjordmark-koerekort']);
    expect(ids('mistet pas')).toEqual(['fjordmark-pas']);
    expect(ids('intern')).toEqual([]);
  });
});

describe('the compose view', () => {
  let world: World;

  beforeEach(async () => {
    setLanguage('da');
    world = new World({ now: NOW, bigFolderSize: 20, signedInAs: 'jens' });
    mockIPC((cmd, args) => world.handle(cmd, args), { shouldMockEvents: true });
    app.now = NOW;
    app.mailboxes = world.handle('mailboxes', {}) as Mailbox[];
    app.mailboxId = 'mb-jens';
    app.folders = world.handle('folders', { mailboxId: 'mb-jens' }) as typeof app.folders;
    app.connectivity = { online: true, signedIn: true };
  });

  afterEach(() => {
    cleanup();
    clearMocks();
  });

  it('finds a contact point as the user types and shows its self-service link and extra fields', async () => {
    app.compose('new');
    render(ComposeView);
    await fireEvent.click(await screen.findByLabelText('En kommune'));
    const search = await screen.findByLabelText('Søg efter emne');
    await fireEvent.input(search, { target: { value: 'PAS' } });
    const results = await screen.findByTestId('cp-results', {}, { timeout: 2000 });
    const names = within(results).getAllByRole('button').map((b) => b.querySelector('.cp-result-name')?.textContent);
    expect(names).toEqual(['Pas']);
    expect(world.calls.filter((c) => c.cmd === 'search_contact_points').at(-1)?.args).toEqual({
      query: 'PAS',
      authorityType: 'MUNICIPALITY',
    });
    await fireEvent.click(within(results).getByRole('button'));
    const card = await screen.findByTestId('cp-card');
    expect(card.textContent).toContain('Fjordmark Kommune: Pas');
    const self = screen.getByTestId('cp-self-service');
    expect(within(self).getByRole('button', { name: /Gå til selvbetjening\.fjordmark\.example/ })).toBeTruthy();
    // Extra fields: both there, neither required.
    const child = screen.getByLabelText(/Barnets CPR-nummer/) as HTMLInputElement;
    const passport = screen.getByLabelText(/Dit pasnummer/) as HTMLInputElement;
    expect(child.required || passport.required).toBe(false);
    // The user may still write.
    expect(screen.getByLabelText('Emne')).toBeTruthy();
  });

  it('says what to do when the attachments are over the limits, and sends nothing', async () => {
    app.compose('new', { contactPointId: 'fjordmark-pas' });
    render(ComposeView);
    await fireEvent.input(await screen.findByLabelText('Emne'), { target: { value: 'Nyt pas' } });
    await fireEvent.click(screen.getByRole('button', { name: /Næste/ }));
    world.writing.nextPick = [
      { name: 'a.jpg', size: 8_000_000 },
      { name: 'b.jpg', size: 8_000_000 },
      { name: 'c.jpg', size: 8_000_000 },
      { name: 'd.jpg', size: 1 },
    ];
    await fireEvent.click(await screen.findByRole('button', { name: /Vælg filer/ }));
    await screen.findByText('d.jpg');
    const warn = await screen.findByTestId('compose-limits');
    expect(warn.textContent).toContain('Du kan højst sende 3 filer her. Fjern 1');
    expect(warn.textContent).toContain('Fjern en fil');
    await fireEvent.click(screen.getByRole('button', { name: /Send beskeden/ }));
    expect((await screen.findByTestId('compose-problems')).textContent).toContain('højst fylde 20 MB');
    expect(world.calls.some((c) => c.cmd === 'send_message')).toBe(false);
  });

  it('saves the draft as the user types, and restores it when reopened', async () => {
    app.compose('new', { contactPointId: 'fjordmark-pas' });
    const { unmount } = render(ComposeView);
    await fireEvent.input(await screen.findByLabelText('Emne'), { target: { value: 'Mistet pas' } });
    await fireEvent.input(screen.getByLabelText('Besked'), { target: { value: 'Jeg har mistet mit pas.' } });
    await waitFor(() => expect(world.writing.drafts.size).toBe(1), { timeout: 3000 });
    const saved = [...world.writing.drafts.values()][0];
    expect(saved).toMatchObject({ subject: 'Mistet pas', body: 'Jeg har mistet mit pas.', recipient: { id: 'fjordmark-pas' } });
    unmount();

    app.compose('new', { draftId: saved?.id ?? '' });
    render(ComposeView);
    expect(((await screen.findByLabelText('Emne')) as HTMLInputElement).value).toBe('Mistet pas');
    expect((screen.getByLabelText('Besked') as HTMLTextAreaElement).value).toBe('Jeg har mistet mit pas.');
    expect(screen.getByTestId('cp-card').textContent).toContain('Pas');
  });

  it('is absent in a mailbox read with read access, even when asked for', async () => {
    app.mailboxId = 'mb-karen';
    app.compose('new');
    render(Shell);
    await Promise.resolve();
    expect(screen.queryByTestId('compose')).toBeNull();
  });
});
