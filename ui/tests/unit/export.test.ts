// The export dialog: what it asks Rust for, the progress bar fed by `export-progress` events,
// the result in plain words, and errors by their code.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import ExportDialog from '../../src/components/ExportDialog.svelte';
import { app } from '../../src/lib/state/app.svelte';
import { setLanguage } from '../../src/lib/i18n/index.svelte';
import type { AccessType, ExportResult, Mailbox } from '../../src/lib/types';

const FOLDER = { handle: '0b6f8f8e-4d0c-4c7e-9a43-2f1a7c1f0d11', path: '/home/anders/Dokumenter/Post' };

const access = {
  accessType: 'OWNER' as AccessType,
  canDelete: true,
  canWrite: true,
  canReply: true,
  canForward: true,
  canMove: true,
  canMarkRead: true,
  canCreateFolders: true,
  expires: null,
};
const MAILBOXES: Mailbox[] = [
  { id: 'mb-anders', ownerType: 'CITIZEN', ownerName: 'Anders Holm', access },
  { id: 'mb-karen', ownerType: 'CITIZEN', ownerName: 'Karen Holm', access: { ...access, accessType: 'PARTY_REPRESENTATIVE' } },
];

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

/** The Rust side as the dialog sees it: a folder dialog, and an export the test finishes. */
function backend(opts: { folder?: typeof FOLDER | null } = {}) {
  const calls: Call[] = [];
  let finish: ((r: ExportResult) => void) | null = null;
  let failWith: ((e: unknown) => void) | null = null;
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      switch (cmd) {
        case 'pick_export_folder':
          return opts.folder === undefined ? FOLDER : opts.folder;
        case 'start_export':
          return new Promise<ExportResult>((resolve, reject) => {
            finish = resolve;
            failWith = reject;
          });
        case 'cancel_export':
          finish?.({ written: 5, alreadyExported: 0, gone: 0, files: 7, folder: FOLDER.path, cancelled: true });
          return null;
        default:
          throw { code: 'internal', message: `unexpected ${cmd}` };
      }
    },
    { shouldMockEvents: true },
  );
  return {
    calls,
    started: () => calls.some((c) => c.cmd === 'start_export'),
    finish: (r: Partial<ExportResult>) =>
      finish?.({ written: 0, alreadyExported: 0, gone: 0, files: 0, folder: FOLDER.path, cancelled: false, ...r }),
    fail: (code: string) => failWith?.({ code, message: 'the export folder could not be written: Permission denied' }),
  };
}

async function openDialog() {
  render(ExportDialog, { open: true, onclose: () => {} });
  return screen.findByRole('heading', { name: 'Eksportér din post' });
}

async function chooseFolderAndStart(rust: ReturnType<typeof backend>) {
  await fireEvent.click(screen.getByRole('button', { name: 'Vælg mappe …' }));
  await screen.findByText(FOLDER.path);
  await fireEvent.click(screen.getByRole('button', { name: /Start eksporten/ }));
  await waitFor(() => expect(rust.started()).toBe(true));
}

function bar(): HTMLProgressElement {
  const el = screen.getByTestId('export-progress').querySelector('progress');
  if (!el) throw new Error('no progress bar');
  return el;
}

describe('the export dialog', () => {
  beforeEach(() => {
    setLanguage('da');
    app.mailboxes = MAILBOXES;
    // jsdom has no <dialog> modal API.
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.open = true;
    };
    HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
      this.open = false;
    };
  });
  afterEach(() => {
    cleanup();
    clearMocks();
  });

  it('explains each format in plain Danish and offers every mailbox or one', async () => {
    backend();
    await openDialog();
    expect(screen.getByLabelText('Mapper med filer')).toBeTruthy();
    expect(screen.getByText(/Til mailprogrammer som Thunderbird: hvert brev/)).toBeTruthy();
    expect(screen.getByText(/alle breve fra en postkasse samlet i én fil/)).toBeTruthy();
    const options = [...screen.getByLabelText<HTMLSelectElement>('Postkasse').options].map((o) => o.text);
    expect(options).toEqual(['Alle postkasser, du kan se', 'Anders Holm (din postkasse)', 'Karen Holm (læseadgang)']);
  });

  it('asks for a folder before it starts', async () => {
    const rust = backend();
    await openDialog();
    await fireEvent.click(screen.getByRole('button', { name: /Start eksporten/ }));
    expect(await screen.findByText('Vælg den mappe, brevene skal gemmes i.')).toBeTruthy();
    expect(rust.started()).toBe(false);
    expect(document.activeElement?.textContent).toContain('Vælg mappe');
  });

  it('sends the choices, fills the bar from progress events and says what was exported', async () => {
    const rust = backend();
    await openDialog();
    await fireEvent.click(screen.getByLabelText('Maildir'));
    await fireEvent.change(screen.getByLabelText('Postkasse'), { target: { value: 'mb-karen' } });
    await fireEvent.input(screen.getByLabelText(/Kun breve modtaget fra og med/), { target: { value: '2026-01-31' } });
    await chooseFolderAndStart(rust);
    expect(rust.calls.find((c) => c.cmd === 'start_export')?.args).toEqual({
      format: 'maildir',
      mailboxId: 'mb-karen',
      since: '2026-01-31',
      folder: FOLDER.handle,
    });
    expect(await screen.findByText('Finder de breve, der skal eksporteres …')).toBeTruthy();

    await emit('export-progress', { done: 0, total: 40 });
    await waitFor(() => expect(bar().max).toBe(40));
    expect(bar().value).toBe(0);
    await emit('export-progress', { done: 12, total: 40 });
    await waitFor(() => expect(bar().value).toBe(12));
    expect(screen.getByTestId('export-count').textContent).toBe('12 af 40 breve');
    expect(bar().getAttribute('aria-valuetext')).toBe('12 af 40 breve');

    rust.finish({ written: 40, alreadyExported: 3, files: 52 });
    const done = await screen.findByTestId('export-result');
    expect(done.textContent).toContain(`40 breve eksporteret til ${FOLDER.path}.`);
    expect(done.textContent).toContain('3 breve var der allerede fra en tidligere eksport.');
    expect(document.activeElement).toBe(done);
  });

  it('exports every mailbox when none is chosen, and says when there is nothing new', async () => {
    const rust = backend();
    await openDialog();
    await chooseFolderAndStart(rust);
    expect(rust.calls.find((c) => c.cmd === 'start_export')?.args).toEqual({ format: 'files', folder: FOLDER.handle });
    rust.finish({ written: 0, alreadyExported: 40 });
    expect((await screen.findByTestId('export-result')).textContent).toContain(
      `Intet nyt at eksportere. Alle breve er allerede i ${FOLDER.path}.`,
    );
  });

  it('stops when asked, and says how to finish', async () => {
    const rust = backend();
    await openDialog();
    await chooseFolderAndStart(rust);
    await emit('export-progress', { done: 5, total: 40 });
    await fireEvent.click(await screen.findByRole('button', { name: 'Stop eksporten' }));
    const result = await screen.findByTestId('export-result');
    expect(result.textContent).toContain('Eksporten blev stoppet');
    expect(result.textContent).toContain('5 breve nåede at blive gemt');
    expect(rust.calls.map((c) => c.cmd)).toContain('cancel_export');
  });

  it('shows a failure in plain words, by its code', async () => {
    const rust = backend();
    await openDialog();
    await chooseFolderAndStart(rust);
    rust.fail('io');
    const error = await screen.findByTestId('export-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('Eksporten lykkedes ikke');
    expect(error.textContent).toContain('Brevdue kunne ikke gemme i mappen.');
    expect(error.textContent).not.toContain('Permission denied');
    // Back to the form, the folder still chosen, to pick another.
    await fireEvent.click(screen.getByRole('button', { name: 'Ny eksport' }));
    expect(screen.getByText(FOLDER.path)).toBeTruthy();
  });

  it('shows other failures with the general text, in English too', async () => {
    setLanguage('en');
    const rust = backend();
    render(ExportDialog, { open: true, onclose: () => {} });
    await screen.findByRole('heading', { name: 'Export your post' });
    await fireEvent.click(screen.getByRole('button', { name: 'Choose folder …' }));
    await screen.findByText(FOLDER.path);
    await fireEvent.click(screen.getByRole('button', { name: /Start the export/ }));
    await waitFor(() => expect(rust.started()).toBe(true));
    rust.fail('signed_out');
    expect((await screen.findByTestId('export-error')).textContent).toContain('You have been signed out. Sign in again to continue.');
  });

  it('keeps the form as it was when the folder dialog is cancelled', async () => {
    backend({ folder: null });
    await openDialog();
    await fireEvent.click(screen.getByRole('button', { name: 'Vælg mappe …' }));
    await waitFor(() => expect(screen.getByText('Du har ikke valgt en mappe endnu.')).toBeTruthy());
  });
});
