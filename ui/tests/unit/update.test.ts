// Updates: the window looks for a newer build only when an update address is configured,
// shows a calm notice with the version and release notes, installs only when the user says
// so, and says plainly when an update was refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { World, type WorldOptions } from '../fixtures/world';
import App from '../../src/App.svelte';
import { app } from '../../src/lib/state/app.svelte';
import { setLanguage } from '../../src/lib/i18n/index.svelte';

const NEWER = {
  version: '0.2.0',
  currentVersion: '0.1.0',
  notes: 'Breve kan nu åbnes fra filhåndteringen.\nRettelser i kalenderen.',
  date: '2026-12-01T10:00:00Z',
};

async function start(opts: WorldOptions): Promise<World> {
  const world = new World({ now: new Date('2026-11-24T09:00:00Z'), signedInAs: null, bigFolderSize: 10, ...opts });
  mockIPC((cmd, args) => world.handle(cmd, args), { shouldMockEvents: true });
  render(App);
  await screen.findByRole('heading', { name: 'Log ind' });
  return world;
}

describe('updates', { timeout: 30_000 }, () => {
  beforeEach(() => {
    setLanguage('da');
    app.file = null;
    app.fatal = null;
    app.info = null;
    app.session = null;
    app.update = null;
    app.notices = [];
  });
  afterEach(() => clearMocks());

  it('never looks without an update address', async () => {
    const world = await start({});
    expect(world.calls.map((c) => c.cmd)).not.toContain('check_for_update');
    expect(screen.queryByTestId('check-for-update')).toBeNull();
    expect(screen.queryByTestId('update-notice')).toBeNull();
  });

  it('shows a newer version found at start, and installs it only when asked', async () => {
    const world = await start({ update: NEWER });
    const notice = await screen.findByTestId('update-notice');
    expect(notice.textContent).toContain('Der er en ny version af Brevdue: 0.2.0');
    expect(notice.textContent).toContain('Du har version 0.1.0.');
    expect(screen.getByTestId('update-notes').textContent).toBe(NEWER.notes);
    expect(world.calls.map((c) => c.cmd)).not.toContain('install_update');

    await fireEvent.click(screen.getByRole('button', { name: 'Installér' }));
    const done = await screen.findByTestId('update-installed');
    expect(done.textContent).toContain('Brevdue 0.2.0 er installeret');
    expect(world.updateInstalled).toBe(true);

    await fireEvent.click(screen.getByRole('button', { name: 'Genstart nu' }));
    await waitFor(() => expect(world.restarted).toBe(true));
  });

  it('says so when the update is refused for its signature, and keeps the offer', async () => {
    const world = await start({ update: NEWER });
    await screen.findByTestId('update-notice');
    world.failures.set('install_update', 'bad_signature');
    await fireEvent.click(screen.getByRole('button', { name: 'Installér' }));
    await screen.findByText(/ikke underskrevet af Brevdue og blev ikke installeret/);
    expect(world.updateInstalled).toBe(false);
    expect(screen.queryByTestId('update-installed')).toBeNull();
    expect(screen.getByRole('button', { name: 'Installér' })).toBeTruthy();
  });

  it('"Ikke nu" puts the notice away', async () => {
    await start({ update: NEWER });
    await screen.findByTestId('update-notice');
    await fireEvent.click(screen.getByRole('button', { name: 'Ikke nu' }));
    expect(screen.queryByTestId('update-notice')).toBeNull();
  });

  it('checks on demand and says when there is nothing newer', async () => {
    const world = await start({ update: null });
    await waitFor(() => expect(world.calls.map((c) => c.cmd)).toContain('check_for_update'));
    expect(screen.queryByTestId('update-notice')).toBeNull();
    await fireEvent.click(screen.getByTestId('check-for-update'));
    await screen.findByText('Du har den nyeste version af Brevdue (0.1.0).');
    expect(world.calls.filter((c) => c.cmd === 'check_for_update')).toHaveLength(2);
  });

  it('keeps quiet when the check at start fails, and tells when asked', async () => {
    const world = new World({ now: new Date('2026-11-24T09:00:00Z'), signedInAs: null, bigFolderSize: 10, update: null });
    world.failures.set('check_for_update', 'offline');
    mockIPC((cmd, args) => world.handle(cmd, args), { shouldMockEvents: true });
    render(App);
    await screen.findByRole('heading', { name: 'Log ind' });
    await waitFor(() => expect(world.calls.map((c) => c.cmd)).toContain('check_for_update'));
    expect(app.notices).toEqual([]);
    await fireEvent.click(screen.getByTestId('check-for-update'));
    await waitFor(() => expect(app.notices.map((n) => n.text).join()).toContain('Du er ikke på nettet'));
  });
});
