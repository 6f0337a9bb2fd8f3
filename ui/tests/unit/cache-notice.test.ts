// A local cache that was damaged (or whose key was lost) is fetched again from the core; the
// app says so once, calmly, after it starts. A cache from before encryption is made anew
// without a word.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { World, type WorldOptions } from '../fixtures/world';
import Notices from '../../src/components/Notices.svelte';
import { app } from '../../src/lib/state/app.svelte';
import { setLanguage } from '../../src/lib/i18n/index.svelte';

async function start(opts: WorldOptions): Promise<World> {
  const world = new World({ now: new Date('2026-11-24T09:00:00Z'), signedInAs: 'jens', bigFolderSize: 10, ...opts });
  // The app listens for the backend's events (sync, connectivity) as it starts.
  mockIPC((cmd, args) => world.handle(cmd, args), { shouldMockEvents: true });
  // The notices as the window shows them, and the app's start as the window runs it.
  render(Notices);
  await app.boot();
  expect(app.session).not.toBeNull();
  return world;
}

describe('the notice of a cache fetched again', { timeout: 30_000 }, () => {
  beforeEach(() => {
    app.file = null;
    app.fatal = null;
    app.info = null;
    app.session = null;
    app.notices = [];
    app.mailboxes = [];
  });
  afterEach(() => clearMocks());

  it('says in Danish that the damaged local copy was fetched again', async () => {
    setLanguage('da');
    await start({ cacheRebuilt: 'damaged' });
    const notice = await screen.findByText('Den lokale kopi af din post var beskadiget og er hentet igen.');
    expect(notice.closest('[role=status]')).toBeTruthy();
  });

  it('says it in English too, and for a lost key', async () => {
    await start({ cacheRebuilt: 'keyLost', language: 'en' });
    expect(await screen.findByText('The local copy of your post could not be unlocked and has been fetched again.')).toBeTruthy();
  });

  it('says nothing for a cache from before encryption, or when nothing happened', async () => {
    setLanguage('da');
    await start({ cacheRebuilt: 'unencrypted' });
    expect(screen.queryByText(/lokale kopi/)).toBeNull();
    expect(app.notices).toEqual([]);
  });
});
