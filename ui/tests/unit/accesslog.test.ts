// "Hvem har læst min post": the owner of a mailbox sees which representative read which of
// their letters and when; a representative neither sees the menu item nor gets the log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { app } from '../../src/lib/state/app.svelte';
import { setLanguage } from '../../src/lib/i18n/index.svelte';
import AccessLogView from '../../src/components/AccessLogView.svelte';
import MessageView from '../../src/components/MessageView.svelte';
import Sidebar from '../../src/components/Sidebar.svelte';
import { World } from '../fixtures/world';
import type { Mailbox } from '../../src/lib/types';

const NOW = new Date('2026-11-24T09:00:00Z');
const KARENS_LETTER = 'Indkaldelse til årskontrol';

async function as(world: World, who: string): Promise<void> {
  world.handle('sign_in', { loginHint: who });
  app.mailboxes = world.handle('mailboxes', {}) as Mailbox[];
}

describe('who has read my post', () => {
  let world: World;

  beforeEach(async () => {
    setLanguage('da');
    world = new World({ now: NOW, bigFolderSize: 20 });
    mockIPC((cmd, args) => world.handle(cmd, args));
    app.now = NOW;
    app.view = 'folder';
    app.open = null;
    app.connectivity = { online: true, signedIn: true };
  });

  afterEach(() => clearMocks());

  it("shows the owner which representative read which letter, and when", async () => {
    // Jens reads his mother's letter with read access.
    await as(world, 'jens');
    app.mailboxId = 'mb-karen';
    const reading = render(MessageView, { mailboxId: 'mb-karen', messageId: 'm-10' });
    await screen.findByTestId('message-actions');
    reading.unmount();

    // Karen opens "Hvem har læst min post" from her mailbox's menu.
    await as(world, 'karen');
    app.mailboxId = 'mb-karen';
    render(Sidebar);
    await fireEvent.click(screen.getByRole('button', { name: 'Hvem har læst min post' }));
    expect(app.view).toBe('access-log');

    render(AccessLogView, { mailboxId: 'mb-karen' });
    const row = await screen.findByTestId('access-entry');
    expect(row.dataset.kind).toBe('read_message');
    expect(within(row).getByText('Jens Hansen')).toBeTruthy();
    expect(row.textContent).toContain('hentede brevet');
    expect(row.textContent).toContain('24. november 2026');
    // The letter by its subject, and a click opens it.
    await fireEvent.click(within(row).getByRole('button', { name: KARENS_LETTER }));
    expect(app.open).toEqual({ mailboxId: 'mb-karen', messageId: 'm-10' });
    expect(world.calls.filter((c) => c.cmd === 'access_log').at(-1)?.args).toEqual({ mailboxId: 'mb-karen' });
  });

  it('says so when nobody has read anything', async () => {
    await as(world, 'karen');
    render(AccessLogView, { mailboxId: 'mb-karen' });
    expect(await screen.findByText('Ingen med læseadgang har set din post.')).toBeTruthy();
    expect(screen.queryByTestId('access-entry')).toBeNull();
  });

  it('is not in the menu of a mailbox read with read access, and the log is refused', async () => {
    await as(world, 'jens');
    app.mailboxId = 'mb-karen';
    const { unmount } = render(Sidebar);
    expect(screen.queryByRole('button', { name: 'Hvem har læst min post' })).toBeNull();
    unmount();
    app.mailboxId = 'mb-jens';
    const own = render(Sidebar);
    expect(screen.getByRole('button', { name: 'Hvem har læst min post' })).toBeTruthy();
    own.unmount();

    render(AccessLogView, { mailboxId: 'mb-karen' });
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Du har ikke adgang til at gøre det i denne postkasse.',
    );
  });

  it('speaks English too', async () => {
    setLanguage('en');
    await as(world, 'jens');
    world.handle('get_message', { mailboxId: 'mb-karen', messageId: 'm-10' });
    await as(world, 'karen');
    render(AccessLogView, { mailboxId: 'mb-karen' });
    const row = await screen.findByTestId('access-entry');
    expect(row.textContent).toContain('fetched the letter');
    expect(screen.getByRole('heading', { name: 'Who has read my post' })).toBeTruthy();
  });
});
