/**
 * The agenda view's order: overdue deadlines first, then everything coming, grouped by
 * ISO week in Danish time.
 */
import type { AgendaEntry } from './types';
import { isoWeek, toDate } from './format/dates';

/** Deadlines passed longer ago than this are no longer shown as overdue. */
export const OVERDUE_WINDOW_DAYS = 90;

export interface AgendaWeek {
  key: string;
  year: number;
  week: number;
  /** The week's Monday as a day number (for `formatWeekRange`). */
  monday: number;
  entries: AgendaEntry[];
}

export interface AgendaGroups {
  overdue: AgendaEntry[];
  weeks: AgendaWeek[];
}

function startOf(e: AgendaEntry): number {
  return toDate(e.item.start)?.getTime() ?? Number.NaN;
}

/** Whether the moment of an entry has gone: the end of an appointment, a deadline itself. */
export function isPast(e: AgendaEntry, now: Date): boolean {
  const end = e.item.kind === 'appointment' ? (toDate(e.item.end) ?? toDate(e.item.start)) : toDate(e.item.start);
  return end !== null && end.getTime() < now.getTime();
}

export function groupAgenda(entries: AgendaEntry[], now: Date): AgendaGroups {
  const readable = entries.filter((e) => !Number.isNaN(startOf(e)));
  const sorted = [...readable].sort((a, b) => startOf(a) - startOf(b));
  const oldest = now.getTime() - OVERDUE_WINDOW_DAYS * 86_400_000;
  const overdue = sorted.filter((e) => e.item.kind !== 'appointment' && isPast(e, now) && startOf(e) >= oldest);
  const weeks: AgendaWeek[] = [];
  for (const e of sorted) {
    if (isPast(e, now)) continue;
    const w = isoWeek(e.item.start);
    if (!w) continue;
    const key = `${w.year}-W${w.week}`;
    let group = weeks[weeks.length - 1];
    if (!group || group.key !== key) {
      group = { key, year: w.year, week: w.week, monday: w.monday, entries: [] };
      weeks.push(group);
    }
    group.entries.push(e);
  }
  return { overdue, weeks };
}
