import { beforeEach, describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import ActionBox from '../../src/components/ActionBox.svelte';
import { setLanguage } from '../../src/lib/i18n/index.svelte';
import type { Action } from '../../src/lib/types';

const NOW = new Date('2026-11-24T09:00:00Z');

function action(a: Partial<Action>): Action {
  return {
    label: 'Gør noget',
    actionCode: 'BETALING',
    startDateTime: null,
    endDateTime: null,
    reservation: null,
    entryPoint: null,
    ...a,
  };
}

function show(a: Action) {
  return render(ActionBox, { action: a, mailboxId: 'mb', messageId: 'm', now: NOW });
}

describe('an action box', () => {
  beforeEach(() => setLanguage('da'));

  it('says what kind of action it is in plain words', () => {
    show(action({ actionCode: 'UNDERSKRIV', label: 'Underskriv aftalen' }));
    expect(screen.getByText('Underskriv')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Underskriv aftalen' })).toBeTruthy();
  });

  it('shows an unknown code as written', () => {
    show(action({ actionCode: 'VACCINATIONSBOOKING' }));
    expect(screen.getByText('VACCINATIONSBOOKING')).toBeTruthy();
  });

  it('shows a deadline in 2 days in red, with how far away it is', () => {
    show(action({ endDateTime: '2026-11-26T22:59:00Z' }));
    const d = screen.getByTestId('deadline');
    expect(d.dataset.urgency).toBe('soon');
    expect(d.textContent).toContain('26. november 2026 kl. 23.59');
    expect(d.textContent).toContain('om 2 dage');
  });

  it('shows a passed deadline in red and says so', () => {
    show(action({ endDateTime: '2026-11-21T11:00:00Z' }));
    const d = screen.getByTestId('deadline');
    expect(d.dataset.urgency).toBe('passed');
    expect(d.textContent).toContain('Fristen er overskredet');
  });

  it('shows a deadline weeks away calmly', () => {
    show(action({ endDateTime: '2026-12-24T11:00:00Z' }));
    expect(screen.getByTestId('deadline').dataset.urgency).toBe('later');
  });

  it('gives information no deadline', () => {
    show(action({ actionCode: 'INFORMATION', endDateTime: '2026-12-24T11:00:00Z' }));
    expect(screen.queryByTestId('deadline')).toBeNull();
  });

  it('names where an entry point leads', () => {
    show(action({ entryPoint: 'https://betaling.kommune.example/x' }));
    expect(screen.getByRole('button', { name: /Gå til betaling\.kommune\.example/ })).toBeTruthy();
  });

  it('offers no button for an address that is not a web address', () => {
    show(action({ entryPoint: 'javascript:alert(1)' }));
    expect(screen.queryByRole('button', { name: /Gå til/ })).toBeNull();
    expect(screen.getByText(/ikke er en almindelig webadresse/)).toBeTruthy();
  });

  it('shows an appointment with weekday, date, time, place and "Tilføj til kalender"', () => {
    show(
      action({
        actionCode: 'AFTALE',
        label: 'Mød op',
        reservation: {
          reservationUUID: '00000000-0000-4000-8000-000000000001',
          abstract: 'MR-scanning',
          description: 'Kom i god tid',
          location: 'Blegdamsvej 9, 2100 København Ø',
          startDateTime: '2026-11-27T08:00:00Z',
          endDateTime: '2026-11-27T08:45:00Z',
          organizerMail: null,
          organizerName: null,
        },
      }),
    );
    expect(screen.getByText('Aftale')).toBeTruthy();
    expect(screen.getByText('Fredag 27. november 2026 kl. 09.00–09.45')).toBeTruthy();
    expect(screen.getByText('Blegdamsvej 9, 2100 København Ø')).toBeTruthy();
    expect(screen.getByRole('button', { name: /Tilføj til kalender/ })).toBeTruthy();
  });
});
