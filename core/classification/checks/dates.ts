import { isDigits } from './text.js';

/**
 * A calendar date, month 1-12.
 *
 * @example
 * const date: CalendarDate = { year: 1990, month: 4, day: 12 };
 */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const YEAR_FIRST = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const DAY_OR_MONTH_FIRST = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function realDate(year: number, month: number, day: number): CalendarDate | null {
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return null;
  }
  return { year, month, day };
}

/**
 * The calendar date a value writes, or null: ISO `yyyy-mm-dd` (a time part allowed),
 * `yyyy/mm/dd`, `dd/mm/yyyy`, `mm/dd/yyyy`, `dd.mm.yyyy` or `dd-mm-yyyy`, checked against
 * the real calendar (no 31 April, 29 February only in leap years). Where day and month
 * could be either way round, day first is tried, then month first.
 *
 * @example
 * parseCalendarDate('29/02/2024'); // { year: 2024, month: 2, day: 29 }
 * parseCalendarDate('29/02/2023'); // null
 */
export function parseCalendarDate(value: string): CalendarDate | null {
  const length = value.length;
  if (length < 8 || length > 35) return null;
  const first = value.charCodeAt(0);
  if (first < 48 || first > 57) return null;
  const iso = ISO_DATE.exec(value);
  if (iso) {
    const [hour, minute, second] = [iso[4], iso[5], iso[6]].map((part) => Number(part ?? 0));
    if ((hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 60) return null;
    return realDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  }
  if (length > 10) return null;
  const yearFirst = YEAR_FIRST.exec(value);
  if (yearFirst) return realDate(Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3]));
  const other = DAY_OR_MONTH_FIRST.exec(value);
  if (!other) return null;
  const [a, b, year] = [Number(other[1]), Number(other[3]), Number(other[4])];
  // Dotted dates are day first everywhere they are written.
  if (other[2] === '.') return realDate(year, b, a);
  return realDate(year, b, a) ?? realDate(year, a, b);
}

/**
 * Whether a value is a real calendar date in one of the layouts of
 * {@link parseCalendarDate}.
 *
 * @example
 * isDate('2024-02-30'); // false
 */
export function isDate(value: string): boolean {
  return parseCalendarDate(value) !== null;
}

/**
 * A plausible date of birth: a real date from 1 January 1900 up to today (UTC).
 *
 * @example
 * isDateOfBirth('1985-04-12'); // true
 * isDateOfBirth('2999-01-01'); // false
 */
export function isDateOfBirth(value: string): boolean {
  const date = parseCalendarDate(value);
  if (date === null || date.year < 1900) return false;
  const now = new Date();
  const today = now.getUTCFullYear() * 10000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate();
  return date.year * 10000 + date.month * 100 + date.day <= today;
}

// Age bands as surveys publish them: `25 to 39`, `18-24`, `65 and older`, `under 18`.
const AGE_BAND =
  /^(\d{1,3} ?(-|–|to) ?\d{1,3}|\d{1,3} (and|or) (older|over|above|more|under|younger)|(under|over|below|above) \d{1,3}|\d{1,3} ?\+)( years?)?$/i;

/**
 * An age: years from 0 to 120, whole or with a fraction (`42`, `21.5`), or an age band.
 *
 * @example
 * isAge('42'); // true
 * isAge('130'); // false
 * isAge('25 to 39'); // true (an age band)
 */
export function isAge(value: string): boolean {
  if (value.length === 0 || value.length > 24) return false;
  if (!/^[\d.]+$/.test(value)) return AGE_BAND.test(value);
  // Whole years, or years with a fraction (`21.5`), as surveys and spreadsheets write them.
  const dot = value.indexOf('.');
  const whole = dot < 0 ? value : value.slice(0, dot);
  const fraction = dot < 0 ? '' : value.slice(dot + 1);
  if (dot >= 0 && (fraction.length === 0 || fraction.length > 2 || !isDigits(fraction)))
    return false;
  return whole.length >= 1 && whole.length <= 3 && isDigits(whole) && Number(whole) <= 120;
}
