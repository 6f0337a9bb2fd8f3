/**
 * Dates and deadlines as Danes read them: always in Danish time (Europe/Copenhagen, whatever
 * the computer's own time zone), "27. november 2026 kl. 09.00", "om 3 dage".
 *
 * Every function is pure: it takes the language and, where it matters, `now`, so that it
 * can be tested. All MeMo timestamps are UTC strings; an unreadable one gives `null` or an
 * empty string, never an exception.
 */
import type { Language } from '../types';
import { localeOf, translate, translatePlural } from '../i18n/translate';

export const TIME_ZONE = 'Europe/Copenhagen';

const DAY_MS = 86_400_000;

/** A timestamp in Danish time, taken apart. */
export interface DanishParts {
  year: number;
  /** 1–12 */
  monthNumber: number;
  day: number;
  hour: number;
  minute: number;
  /** e.g. "november" */
  month: string;
  /** e.g. "nov." */
  monthShort: string;
  /** e.g. "torsdag" */
  weekday: string;
}

const partFormatters = new Map<Language, Intl.DateTimeFormat>();
const textFormatters = new Map<Language, Intl.DateTimeFormat>();

function formatter(lang: Language): Intl.DateTimeFormat {
  let f = partFormatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    partFormatters.set(lang, f);
  }
  return f;
}

function nameFormatter(lang: Language): Intl.DateTimeFormat {
  let f = textFormatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(localeOf(lang), {
      timeZone: TIME_ZONE,
      month: 'long',
      weekday: 'long',
    });
    textFormatters.set(lang, f);
  }
  return f;
}

const shortMonthFormatters = new Map<Language, Intl.DateTimeFormat>();
function shortMonth(lang: Language, d: Date): string {
  let f = shortMonthFormatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(localeOf(lang), { timeZone: TIME_ZONE, month: 'short' });
    shortMonthFormatters.set(lang, f);
  }
  return f.format(d);
}

/** Reads an RFC 3339 timestamp (or takes a Date); `null` when it is not a real time. */
export function toDate(value: string | Date | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The parts of `value` in Danish time, or `null` if it cannot be read. */
export function danishParts(lang: Language, value: string | Date): DanishParts | null {
  const d = toDate(value);
  if (!d) return null;
  const num: Record<string, number> = {};
  for (const p of formatter(lang).formatToParts(d)) {
    if (p.type !== 'literal') num[p.type] = Number(p.value);
  }
  let month = '';
  let weekday = '';
  for (const p of nameFormatter(lang).formatToParts(d)) {
    if (p.type === 'month') month = p.value;
    if (p.type === 'weekday') weekday = p.value;
  }
  return {
    year: num.year ?? 0,
    monthNumber: num.month ?? 0,
    day: num.day ?? 0,
    hour: num.hour ?? 0,
    minute: num.minute ?? 0,
    month,
    monthShort: shortMonth(lang, d),
    weekday,
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

function longDate(lang: Language, p: DanishParts): string {
  return translate(lang, 'date.long', { day: p.day, month: p.month, year: p.year });
}

function time(lang: Language, p: DanishParts): string {
  return translate(lang, 'date.time', { hour: pad(p.hour), minute: pad(p.minute) });
}

/** "27. november 2026" */
export function formatDate(lang: Language, value: string | Date): string {
  const p = danishParts(lang, value);
  return p ? longDate(lang, p) : '';
}

/** "09.00" (Danish) or "09:00" (English). */
export function formatTime(lang: Language, value: string | Date): string {
  const p = danishParts(lang, value);
  return p ? time(lang, p) : '';
}

/** "27. november 2026 kl. 09.00" */
export function formatDateTime(lang: Language, value: string | Date): string {
  const p = danishParts(lang, value);
  return p ? translate(lang, 'date.at', { date: longDate(lang, p), time: time(lang, p) }) : '';
}

/** "Fredag 27. november 2026": the weekday capitalised, as at the start of a line. */
export function formatWeekdayDate(lang: Language, value: string | Date): string {
  const p = danishParts(lang, value);
  if (!p) return '';
  return capitalise(translate(lang, 'date.weekdayDate', { weekday: p.weekday, date: longDate(lang, p) }));
}

/** "Fredag 27. november 2026 kl. 09.00–09.30": an appointment's day and time span. */
export function formatAppointment(lang: Language, start: string, end: string | null): string {
  const s = danishParts(lang, start);
  if (!s) return '';
  const e = end ? danishParts(lang, end) : null;
  const day = formatWeekdayDate(lang, start);
  const sameDay = e && e.year === s.year && e.monthNumber === s.monthNumber && e.day === s.day;
  if (e && sameDay) {
    const span = translate(lang, 'date.timeRange', { start: time(lang, s), end: time(lang, e) });
    return translate(lang, 'date.at', { date: day, time: span });
  }
  const from = translate(lang, 'date.at', { date: day, time: time(lang, s) });
  if (!e) return from;
  const to = translate(lang, 'date.at', { date: formatWeekdayDate(lang, end ?? ''), time: time(lang, e) });
  return translate(lang, 'todo.period', { start: from, end: to });
}

/**
 * The date column of the message list: the time for today, "27. nov." for this year,
 * "27.11.2025" for older.
 */
export function formatListDate(lang: Language, value: string, now: Date): string {
  const p = danishParts(lang, value);
  const n = danishParts(lang, now);
  if (!p || !n) return '';
  if (p.year === n.year && p.monthNumber === n.monthNumber && p.day === n.day) return time(lang, p);
  if (p.year === n.year) return translate(lang, 'date.shortThisYear', { day: p.day, month: p.monthShort });
  return lang === 'da'
    ? `${pad(p.day)}.${pad(p.monthNumber)}.${p.year}`
    : `${pad(p.day)}/${pad(p.monthNumber)}/${p.year}`;
}

/** The Danish calendar day of `value` as a whole number of days since 1970-01-01. */
function dayNumber(value: Date): number {
  const p = danishParts('da', value);
  if (!p) return 0;
  return Math.round(Date.UTC(p.year, p.monthNumber - 1, p.day) / DAY_MS);
}

/**
 * How many calendar days (in Danish time) from `now` to `value`: 0 today, 1 tomorrow,
 * -1 yesterday. `null` if `value` cannot be read.
 */
export function calendarDaysUntil(value: string | Date, now: Date): number | null {
  const d = toDate(value);
  if (!d) return null;
  return dayNumber(d) - dayNumber(now);
}

/** "i dag", "i morgen", "om 3 dage", "i går", "for 3 dage siden". */
export function formatRelativeDays(lang: Language, value: string | Date, now: Date): string {
  const days = calendarDaysUntil(value, now);
  if (days === null) return '';
  if (days === 0) return translate(lang, 'deadline.today');
  if (days === 1) return translate(lang, 'deadline.tomorrow');
  if (days === -1) return translate(lang, 'deadline.yesterday');
  return days > 0
    ? translatePlural(lang, 'deadline.inDays', days)
    : translatePlural(lang, 'deadline.daysAgo', -days);
}

/**
 * How urgent a deadline is: `passed` once the moment has gone, `soon` when it falls within
 * the next 2 calendar days (today, tomorrow or the day after), otherwise `later`. Both
 * `passed` and `soon` are shown in red.
 */
export type Urgency = 'passed' | 'soon' | 'later';

export const SOON_DAYS = 2;

export function deadlineUrgency(value: string | Date, now: Date): Urgency {
  const d = toDate(value);
  if (!d) return 'later';
  if (d.getTime() < now.getTime()) return 'passed';
  const days = calendarDaysUntil(d, now) ?? Number.POSITIVE_INFINITY;
  return days <= SOON_DAYS ? 'soon' : 'later';
}

/** The ISO 8601 week of `value`'s Danish calendar day, and the Monday that starts it. */
export interface IsoWeek {
  year: number;
  week: number;
  /** The week's Monday, as a day number (days since 1970-01-01). */
  monday: number;
}

export function isoWeek(value: string | Date): IsoWeek | null {
  const d = toDate(value);
  if (!d) return null;
  const day = dayNumber(d);
  // 1970-01-01 was a Thursday: weekday 1 = Monday ... 7 = Sunday.
  const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
  const monday = day - (weekday - 1);
  const thursday = monday + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const jan1 = Math.round(Date.UTC(year, 0, 1) / DAY_MS);
  const week = Math.floor((thursday - jan1) / 7) + 1;
  return { year, week, monday };
}

/** "23. november – 29. november 2026": the Monday and Sunday of an ISO week. */
export function formatWeekRange(lang: Language, monday: number): string {
  // Noon UTC is the same calendar day in Danish time all year round.
  const start = new Date(monday * DAY_MS + 12 * 3_600_000);
  const end = new Date((monday + 6) * DAY_MS + 12 * 3_600_000);
  const s = danishParts(lang, start);
  const e = danishParts(lang, end);
  if (!s || !e) return '';
  const startText =
    s.year === e.year
      ? translate(lang, 'date.shortThisYear', { day: s.day, month: s.month }).replace(/\.$/, '')
      : longDate(lang, s);
  return translate(lang, 'agenda.weekRange', { start: startText, end: longDate(lang, e) });
}

export function capitalise(s: string): string {
  return s.charAt(0).toLocaleUpperCase() + s.slice(1);
}

/** A file size people can read: "812 byte", "34 kB", "2,4 MB". */
export function formatSize(lang: Language, bytes: number): string {
  const nf = (n: number, digits: number): string =>
    new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: digits }).format(n);
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1000) return translate(lang, 'size.bytes', { n: nf(bytes, 0) });
  if (bytes < 1_000_000) return translate(lang, 'size.kb', { n: nf(bytes / 1000, 0) });
  return translate(lang, 'size.mb', { n: nf(bytes / 1_000_000, 1) });
}
