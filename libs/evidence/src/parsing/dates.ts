import { EvidenceParseError, text } from './parse-result';

/*
 * Dates as the formats define them, read strictly: RFC 3339 `date-time` (a time always carries its
 * UTC offset, so nothing is ever read in the server's zone) and `full-date`. Nothing here goes
 * through `Date.parse`, whose leniency (local time for an offset-less time, "1", "yesterday",
 * impossible days rolled over) is what these functions exist to refuse.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})?$/;
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_MINUTE = 60_000;

/** Why a value is not an RFC 3339 date-time, or null when it is one. */
type Reading = { instant: string | null } | { problem: string };

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Milliseconds since the epoch of a UTC calendar time (years below 100 kept as written). */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** ISO instant of years 0001–9999 (what Postgres stores; it has no year 0), or null outside them. */
function iso(time: number): string | null {
  return time >= FIRST_INSTANT && time <= LAST_INSTANT ? new Date(time).toISOString() : null;
}
const FIRST_INSTANT = utc(1, 1, 1);
const LAST_INSTANT = utc(9999, 12, 31, 23, 59, 59, 999);

function validDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

function readDateTime(raw: string): Reading {
  const match = DATE_TIME.exec(raw);
  if (!match) {
    if (FULL_DATE.test(raw)) return { problem: 'is a date without a time' };
    return { problem: 'is not an RFC 3339 date-time' };
  }
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (offset === undefined) return { problem: 'has no UTC offset (RFC 3339 requires Z or ±hh:mm)' };
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 60) return { problem: 'is not a valid calendar date and time' };
  let offsetMinutes = 0;
  if (offset !== 'Z' && offset !== 'z') {
    const offsetHours = Number(offset.slice(1, 3));
    const offsetMins = Number(offset.slice(4, 6));
    if (offsetHours > 23 || offsetMins > 59) return { problem: 'has an impossible UTC offset' };
    offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  // A leap second (:60) is the last instant of its minute: stored as :59.999.
  const time = second === 60 ? utc(year, month, day, hour, minute, 59, 999) : utc(year, month, day, hour, minute, second, ms);
  return { instant: iso(time - offsetMinutes * MS_PER_MINUTE) };
}

/**
 * An RFC 3339 date-time from untrusted input as an ISO instant. Absent (or empty) is null; a date
 * outside years 0001–9999 is null; anything else that is not a full RFC 3339 date-time with its
 * offset (a date alone, a time without offset, an impossible day) is refused, naming `field`.
 */
export function rfc3339DateTime(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  const raw = typeof value === 'string' ? value.trim() : null;
  if (raw === '') return null;
  if (raw === null || raw.length > 64) throw new EvidenceParseError(`${field} is not an RFC 3339 date-time`);
  const reading = readDateTime(raw);
  if ('problem' in reading) throw new EvidenceParseError(`${field} "${raw}" ${reading.problem}`);
  return reading.instant;
}

/** Like rfc3339DateTime, but a problem is returned (for formats whose checks report it) instead of thrown. */
export function checkRfc3339DateTime(raw: string): { instant: string | null; problem: string | null } {
  const reading = readDateTime(raw.trim());
  return 'problem' in reading ? { instant: null, problem: reading.problem } : { instant: reading.instant, problem: null };
}

/** An RFC 3339 `full-date` (midnight UTC, a date carries no zone) or date-time; refused otherwise, naming `field`. */
export function rfc3339DateOrDateTime(value: unknown, field: string): string | null {
  const raw = text(value, 64);
  if (raw === null) return rfc3339DateTime(value, field);
  const date = FULL_DATE.exec(raw);
  if (!date) return rfc3339DateTime(raw, field);
  const [year, month, day] = date.slice(1).map(Number) as [number, number, number];
  if (!validDay(year, month, day)) throw new EvidenceParseError(`${field} "${raw}" is not a valid calendar date`);
  return iso(utc(year, month, day));
}

/** Milliseconds since the epoch of an ISO instant this module produced (or any strict RFC 3339 date-time); NaN otherwise. */
export function instantMs(value: string): number {
  const reading = readDateTime(value);
  return 'instant' in reading && reading.instant !== null ? new Date(reading.instant).getTime() : Number.NaN;
}

/** The instant `days` after an ISO instant; null without one, or past year 9999. */
export function daysAfter(instant: string | null, days: number): string | null {
  if (instant === null) return null;
  const time = instantMs(instant);
  return Number.isNaN(time) ? null : iso(time + days * 86_400_000);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const X509_TIME = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/;

/** A certificate time as Node's X509Certificate writes it (`Mar 13 00:00:00 2024 GMT`), as an ISO instant. */
export function x509Time(value: string): string {
  const match = X509_TIME.exec(value);
  const month = match ? MONTHS.indexOf(match[1] ?? '') + 1 : 0;
  if (!match || month === 0) throw new EvidenceParseError(`certificate time "${value.slice(0, 40)}" is not readable`);
  const [day, hour, minute, second, year] = match.slice(2).map(Number) as [number, number, number, number, number];
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) throw new EvidenceParseError(`certificate time "${value}" is not a valid date`);
  const instant = iso(utc(year, month, day, hour, minute, second));
  if (instant === null) throw new EvidenceParseError(`certificate time "${value}" is outside years 0001–9999`);
  return instant;
}
