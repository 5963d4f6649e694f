// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (Howard Hinnant's
// algorithms), allocation-free: results land in a caller-owned LocalFields record.

// Fixed unit lengths: UTC has no leap seconds, and zones apply offsets to UTC millis.
export const MILLIS_PER_SECOND = 1000;
export const MILLIS_PER_MINUTE = 60_000;
export const MILLIS_PER_HOUR = 3_600_000;
export const MILLIS_PER_DAY = 86_400_000;
const DAYS_PER_ERA = 146_097; // 400 Gregorian years
const EPOCH_SHIFT_DAYS = 719_468; // days from 0000-03-01 to 1970-01-01
const EPOCH_ISO_DAY_OF_WEEK = 4; // 1970-01-01 was a Thursday (ISO: Monday = 1)

/** Wall-clock fields of one instant in some time zone. */
export interface LocalFields {
  year: number;
  /** 1-12. */
  month: number;
  /** 1-31. */
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** ISO: 1 (Monday) to 7 (Sunday). */
  dayOfWeek: number;
  /** 1-366. */
  dayOfYear: number;
}

export function newLocalFields(): LocalFields {
  return {
    year: 1970,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    millisecond: 0,
    dayOfWeek: EPOCH_ISO_DAY_OF_WEEK,
    dayOfYear: 1,
  };
}

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * DAYS_PER_ERA + dayOfEra - EPOCH_SHIFT_DAYS;
}

/** Splits wall-clock millis (UTC millis plus the zone offset) into fields. */
export function splitLocalMillis(localMillis: number, out: LocalFields): LocalFields {
  const days = Math.floor(localMillis / MILLIS_PER_DAY);
  let millisOfDay = localMillis - days * MILLIS_PER_DAY;
  out.hour = Math.floor(millisOfDay / MILLIS_PER_HOUR);
  millisOfDay -= out.hour * MILLIS_PER_HOUR;
  out.minute = Math.floor(millisOfDay / MILLIS_PER_MINUTE);
  millisOfDay -= out.minute * MILLIS_PER_MINUTE;
  out.second = Math.floor(millisOfDay / MILLIS_PER_SECOND);
  out.millisecond = millisOfDay - out.second * MILLIS_PER_SECOND;
  civilFromDays(days, out);
  out.dayOfWeek = isoDayOfWeek(days);
  out.dayOfYear = days - daysFromCivil(out.year, 1, 1) + 1;
  return out;
}

function civilFromDays(days: number, out: LocalFields): void {
  const z = days + EPOCH_SHIFT_DAYS;
  const era = Math.floor(z / DAYS_PER_ERA);
  const dayOfEra = z - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  out.day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  out.month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  out.year = yearOfEra + era * 400 + (out.month <= 2 ? 1 : 0);
}

export function isoDayOfWeek(daysSinceEpoch: number): number {
  return ((((daysSinceEpoch + EPOCH_ISO_DAY_OF_WEEK - 1) % 7) + 7) % 7) + 1;
}

/** Wall-clock millis of the given fields (no zone). */
export function joinLocalMillis(fields: LocalFields): number {
  return (
    daysFromCivil(fields.year, fields.month, fields.day) * MILLIS_PER_DAY +
    fields.hour * MILLIS_PER_HOUR +
    fields.minute * MILLIS_PER_MINUTE +
    fields.second * MILLIS_PER_SECOND +
    fields.millisecond
  );
}

/** ISO-8601 week-numbering year and week (weeks start Monday; week 1 holds a Thursday). */
export function isoWeek(fields: LocalFields): { weekYear: number; week: number } {
  const days = daysFromCivil(fields.year, fields.month, fields.day);
  const thursday = days - (fields.dayOfWeek - EPOCH_ISO_DAY_OF_WEEK);
  const scratch = weekScratch;
  splitDays(thursday, scratch);
  const week = Math.floor((thursday - daysFromCivil(scratch.year, 1, 1)) / 7) + 1;
  return { weekYear: scratch.year, week };
}

const weekScratch = newLocalFields();

function splitDays(days: number, out: LocalFields): void {
  civilFromDays(days, out);
}
