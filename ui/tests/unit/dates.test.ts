import { describe, expect, it } from 'vitest';
import {
  calendarDaysUntil,
  deadlineUrgency,
  formatAppointment,
  formatDate,
  formatDateTime,
  formatListDate,
  formatRelativeDays,
  formatSize,
  formatTime,
  formatWeekRange,
  isoWeek,
} from '../../src/lib/format/dates';

describe('Danish date and time', () => {
  it('writes a winter time in Danish time (UTC+1) the Danish way', () => {
    expect(formatDateTime('da', '2026-11-27T08:00:00Z')).toBe('27. november 2026 kl. 09.00');
  });

  it('writes a summer time in Danish summer time (UTC+2)', () => {
    expect(formatDateTime('da', '2026-06-01T07:05:00Z')).toBe('1. juni 2026 kl. 09.05');
  });

  it('uses the Danish day, not the UTC day, around midnight', () => {
    // 23.30 UTC on 31 December is already New Year's Day in Copenhagen.
    expect(formatDate('da', '2026-12-31T23:30:00Z')).toBe('1. januar 2027');
    expect(formatTime('da', '2026-12-31T23:30:00Z')).toBe('00.30');
  });

  it('writes English with the same Danish time', () => {
    expect(formatDateTime('en', '2026-11-27T08:00:00Z')).toBe('27 November 2026 at 09:00');
  });

  it('gives nothing, not an exception, for an unreadable time', () => {
    expect(formatDateTime('da', 'not a date')).toBe('');
    expect(calendarDaysUntil('nonsense', new Date())).toBeNull();
  });

  it('writes an appointment with weekday, date and time span', () => {
    expect(formatAppointment('da', '2026-11-27T08:00:00Z', '2026-11-27T08:45:00Z')).toBe(
      'Fredag 27. november 2026 kl. 09.00–09.45',
    );
    expect(formatAppointment('en', '2026-11-27T08:00:00Z', '2026-11-27T08:45:00Z')).toBe(
      'Friday 27 November 2026 at 09:00–09:45',
    );
  });

  it('writes an appointment over several days as a period', () => {
    expect(formatAppointment('da', '2026-11-27T08:00:00Z', '2026-11-28T15:00:00Z')).toBe(
      'Fra Fredag 27. november 2026 kl. 09.00 til Lørdag 28. november 2026 kl. 16.00',
    );
  });

  it('shortens list dates: time today, day and month this year, full date before', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    expect(formatListDate('da', '2026-11-24T06:42:00Z', now)).toBe('07.42');
    expect(formatListDate('da', '2026-10-21T10:00:00Z', now)).toBe('21. okt.');
    expect(formatListDate('da', '2025-03-02T10:00:00Z', now)).toBe('02.03.2025');
    expect(formatListDate('en', '2025-03-02T10:00:00Z', now)).toBe('02/03/2025');
  });
});

describe('how far away a deadline is', () => {
  const now = new Date('2026-11-24T09:00:00Z'); // Tuesday 10.00 in Copenhagen

  it('counts calendar days in Danish time', () => {
    expect(calendarDaysUntil('2026-11-24T22:59:00Z', now)).toBe(0); // 23.59 today
    expect(calendarDaysUntil('2026-11-24T23:01:00Z', now)).toBe(1); // 00.01 tomorrow
    expect(calendarDaysUntil('2026-11-27T08:00:00Z', now)).toBe(3);
    expect(calendarDaysUntil('2026-11-21T08:00:00Z', now)).toBe(-3);
  });

  it('says it in words', () => {
    expect(formatRelativeDays('da', '2026-11-24T15:00:00Z', now)).toBe('i dag');
    expect(formatRelativeDays('da', '2026-11-25T15:00:00Z', now)).toBe('i morgen');
    expect(formatRelativeDays('da', '2026-11-27T08:00:00Z', now)).toBe('om 3 dage');
    expect(formatRelativeDays('da', '2026-11-23T08:00:00Z', now)).toBe('i går');
    expect(formatRelativeDays('da', '2026-11-21T08:00:00Z', now)).toBe('for 3 dage siden');
    expect(formatRelativeDays('en', '2026-11-27T08:00:00Z', now)).toBe('in 3 days');
    expect(formatRelativeDays('en', '2026-11-22T08:00:00Z', now)).toBe('2 days ago');
  });

  it('is red once passed, and within 2 days; calm after that', () => {
    expect(deadlineUrgency('2026-11-24T08:59:00Z', now)).toBe('passed');
    expect(deadlineUrgency('2026-11-24T09:01:00Z', now)).toBe('soon');
    expect(deadlineUrgency('2026-11-26T22:59:00Z', now)).toBe('soon'); // 23.59 the day after tomorrow
    expect(deadlineUrgency('2026-11-26T23:01:00Z', now)).toBe('later'); // 00.01 three days on
    expect(deadlineUrgency('2026-12-24T09:00:00Z', now)).toBe('later');
  });

  it('treats an unreadable deadline as calm rather than failing', () => {
    expect(deadlineUrgency('??', now)).toBe('later');
  });
});

describe('weeks for the agenda', () => {
  it('uses ISO 8601 week numbers of the Danish day', () => {
    expect(isoWeek('2026-11-24T09:00:00Z')).toMatchObject({ year: 2026, week: 48 });
    expect(isoWeek('2027-01-01T09:00:00Z')).toMatchObject({ year: 2026, week: 53 });
    expect(isoWeek('2027-01-04T09:00:00Z')).toMatchObject({ year: 2027, week: 1 });
    // Sunday 23.30 UTC is Monday in Copenhagen: the next week.
    expect(isoWeek('2026-11-29T23:30:00Z')).toMatchObject({ week: 49 });
  });

  it('names the Monday and Sunday of the week', () => {
    const w = isoWeek('2026-11-24T09:00:00Z');
    expect(w).not.toBeNull();
    expect(formatWeekRange('da', w?.monday ?? 0)).toBe('23. november – 29. november 2026');
  });
});

describe('file sizes', () => {
  it('reads like people write them', () => {
    expect(formatSize('da', 812)).toBe('812 byte');
    expect(formatSize('da', 34_500)).toBe('35 kB');
    expect(formatSize('da', 2_400_000)).toBe('2,4 MB');
    expect(formatSize('en', 2_400_000)).toBe('2.4 MB');
  });
});
