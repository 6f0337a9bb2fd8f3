import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { permissions } from '../../src/lib/access';
import { app } from '../../src/lib/state/app.svelte';
import { setLanguage } from '../../src/lib/i18n/index.svelte';
import MessageView from '../../src/components/MessageView.svelte';
import Sidebar from '../../src/components/Sidebar.svelte';
import { World } from '../fixtures/world';
import type { Mailbox, Message } from '../../src/lib/types';

const NOW = new Date('2026-11-24T09:00:00Z');

function boxes(world: World): Promise<Mailbox[]> {
  return Promise.resolve(world.handle('mailboxes', {}) as Mailbox[]);
}

describe('what the access allows', () => {
  const owner: Mailbox = {
    id: 'a',
    ownerType: 'CITIZEN',
    ownerName: 'Jens',
    access: {
      accessType: 'OWNER',
      canDelete: true,
      canWrite: true,
      canReply: true,
      canForward: true,
      canMove: true,
      canMarkRead: true,
      canCreateFolders: true,
      expires: null,
    },
  };
  const msg = { reply: true, replyByDateTime: null } as unknown as Message;

  it('lets an owner do everything', () => {
    expect(permissions(owner, msg, NOW)).toMatchObject({ delete: true, reply: true, write: true, readAccess: false });
  });

  it('never lets read access delete, write, reply or forward, whatever the flags say', () => {
    const rep = { ...owner, access: { ...owner.access, accessType: 'PARTY_REPRESENTATIVE' as const } };
    expect(permissions(rep, msg, NOW)).toMatchObject({
      readAccess: true,
      delete: false,
      write: false,
      reply: false,
      forward: false,
      markRead: true,
      move: true,
    });
  });

  it('offers no reply where the sender does not allow one, or its deadline has passed', () => {
    expect(permissions(owner, { ...msg, reply: false }, NOW).reply).toBe(false);
    expect(permissions(owner, { ...msg, replyByDateTime: '2026-11-20T00:00:00Z' }, NOW).reply).toBe(false);
    expect(permissions(owner, { ...msg, replyByDateTime: '2026-12-20T00:00:00Z' }, NOW).reply).toBe(true);
  });

  it('allows nothing without a mailbox', () => {
    expect(Object.values(permissions(null, null, NOW)).every((v) => v === false)).toBe(true);
  });
});

describe('buttons the access forbids are absent, not greyed out', () => {
  let world: World;

  beforeEach(async () => {
    setLanguage('da');
    world = new World({ now: NOW, bigFolderSize: 20, signedInAs: 'jens' });
    mockIPC((cmd, args) => world.handle(cmd, args));
    app.now = NOW;
    app.mailboxes = await boxes(world);
    app.connectivity = { online: true, signedIn: true };
  });

  afterEach(() => clearMocks());

  it('shows reply, forward and delete in the own mailbox', async () => {
    app.mailboxId = 'mb-jens';
    app.folders = world.handle('folders', { mailboxId: 'mb-jens' }) as typeof app.folders;
    render(MessageView, { mailboxId: 'mb-jens', messageId: 'm-1' });
    const actions = await screen.findByTestId('message-actions');
    const names = within(actions)
      .getAllByRole('button')
      .map((b) => b.textContent?.trim());
    expect(names).toEqual(expect.arrayContaining(['Svar', 'Videresend', 'Slet', 'Flyt', 'Markér som ulæst']));
  });

  it('has no delete, reply, forward or compose in a read-access mailbox', async () => {
    app.mailboxId = 'mb-karen';
    app.folders = world.handle('folders', { mailboxId: 'mb-karen' }) as typeof app.folders;
    render(MessageView, { mailboxId: 'mb-karen', messageId: 'm-10' });
    const actions = await screen.findByTestId('message-actions');
    const buttons = within(actions).getAllByRole('button');
    const names = buttons.map((b) => b.textContent?.trim());
    expect(names).toEqual(expect.arrayContaining(['Flyt', 'Udskriv']));
    for (const gone of ['Slet', 'Svar', 'Videresend']) expect(names).not.toContain(gone);
    // Not greyed out: every button that is there can be used.
    expect(buttons.every((b) => !b.hasAttribute('disabled'))).toBe(true);
  });

  it('has no "Skriv ny besked" in a read-access mailbox, and has it in the own', async () => {
    app.view = 'folder';
    app.mailboxId = 'mb-karen';
    app.folders = world.handle('folders', { mailboxId: 'mb-karen' }) as typeof app.folders;
    const { unmount } = render(Sidebar);
    expect(screen.queryByRole('button', { name: /Skriv ny besked/ })).toBeNull();
    expect(screen.getByText('Læseadgang')).toBeTruthy();
    unmount();
    app.mailboxId = 'mb-jens';
    render(Sidebar);
    expect(screen.getByRole('button', { name: /Skriv ny besked/ })).toBeTruthy();
  });

  it('marks an unread letter read when it is opened', async () => {
    app.mailboxId = 'mb-jens';
    render(MessageView, { mailboxId: 'mb-jens', messageId: 'm-1' });
    await screen.findByTestId('message-actions');
    await waitFor(() => expect(world.calls.some((c) => c.cmd === 'mark_read')).toBe(true));
    expect(world.calls.find((c) => c.cmd === 'mark_read')?.args).toMatchObject({ read: true, messageId: 'm-1' });
  });
});
