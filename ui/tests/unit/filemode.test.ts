// File mode: the app started with a MeMo file shows that one message read-only, through the
// same message view, asking Rust only for the file's own commands (no account, no mailbox).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { World, type WorldOptions } from '../fixtures/world';
import App from '../../src/App.svelte';
import { app } from '../../src/lib/state/app.svelte';
import { setLanguage } from '../../src/lib/i18n/index.svelte';

const LETTER = 'Partshøring om din boligstøtte';

async function start(opts: WorldOptions): Promise<World> {
  const world = new World({ now: new Date('2026-11-24T09:00:00Z'), signedInAs: null, bigFolderSize: 10, ...opts });
  mockIPC((cmd, args) => world.handle(cmd, args));
  render(App);
  return world;
}

describe('a MeMo file opened from disk', { timeout: 30_000 }, () => {
  beforeEach(() => {
    // The window's state is one object for the app's life: each test starts it afresh.
    setLanguage('da');
    app.file = null;
    app.fatal = null;
    app.info = null;
    app.session = null;
  });
  afterEach(() => clearMocks());

  it('shows the message read-only, with its documents and actions, and no mailbox', async () => {
    const world = await start({ file: { label: LETTER, name: 'partshøring.memo' } });
    const heading = await screen.findByRole('heading', { level: 2, name: LETTER });
    expect(heading).toBeTruthy();
    expect(screen.getByText('MeMo-fil: partshøring.memo')).toBeTruthy();
    expect(screen.getByText(/vises kun til læsning/)).toBeTruthy();
    // "Det skal du gøre" with the letter's action, and the main document from the file.
    expect(screen.getByTestId('todo').textContent).toContain('Bekræft dine indkomstoplysninger');
    await waitFor(() => expect(screen.getByTestId('letter-frame')).toBeTruthy());
    // Read-only: nothing that changes a mailbox, and no way "back" to a list.
    for (const name of [/Slet/, /Flyt/, /Svar/, /Videresend/, /Marker som/, /Tilbage til listen/]) {
      expect(screen.queryByRole('button', { name })).toBeNull();
    }
    expect(screen.getByRole('button', { name: /Udskriv/ })).toBeTruthy();
    const asked = world.calls.map((c) => c.cmd);
    expect(asked).toContain('open_memo_file');
    expect(asked).toContain('memo_file_content');
    for (const mailboxCommand of ['app_info', 'mailboxes', 'get_message', 'file_content', 'mark_read']) {
      expect(asked).not.toContain(mailboxCommand);
    }
  });

  it('saves a document through the file command', async () => {
    const world = await start({ file: { label: LETTER, name: 'p.memo' } });
    const save = await screen.findByRole('button', { name: /^Gem / });
    save.click();
    await waitFor(() => expect(world.calls.map((c) => c.cmd)).toContain('save_memo_file'));
    expect(world.calls.map((c) => c.cmd)).not.toContain('save_file');
  });

  it('says plainly when the file is no MeMo message', async () => {
    await start({ file: 'bad' });
    expect(await screen.findByRole('heading', { name: 'Filen kan ikke vises' })).toBeTruthy();
    expect(screen.getByText('Brevet eller filen er i stykker og kan ikke vises.')).toBeTruthy();
  });

  it('without a file, starts as the mailbox app', async () => {
    const world = await start({});
    expect(await screen.findByRole('heading', { name: 'Log ind' })).toBeTruthy();
    expect(world.calls.map((c) => c.cmd).slice(0, 2)).toEqual(['open_memo_file', 'app_info']);
  });
});
