import { literalNumber } from './template';

/**
 * The longest time, in days, between two rotations under a rendered `RotationRules`:
 * `AutomaticallyAfterDays`, or a `ScheduleExpression` of the form `rate(N days)`,
 * `rate(N hours)` or `cron(min hour day-of-month month day-of-week year)`. Infinity
 * when the rules set no schedule; undefined when a token hides it.
 */
export function rotationIntervalDays(rules: Record<string, unknown>): number | undefined {
  const after = rules.AutomaticallyAfterDays;
  const expression = rules.ScheduleExpression;
  if (after !== undefined) {
    return literalNumber(after);
  }
  if (expression === undefined) {
    return Infinity;
  }
  if (typeof expression !== 'string') {
    return undefined;
  }
  const rate = /^rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)$/i.exec(expression.trim());
  if (rate) {
    const n = Number(rate[1]);
    return rate[2].toLowerCase().startsWith('hour') ? n / 24 : n;
  }
  const cron = /^cron\((.*)\)$/i.exec(expression.trim());
  return cron ? cronIntervalDays(cron[1].trim().split(/\s+/)) : Infinity;
}

/** Days in each month, February at its longest: an upper bound on any gap. */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * An upper bound on the interval of a six-field cron expression. When every month
 * runs: 1 day for daily, 7 for plain weekdays, 31 otherwise (e.g. a fixed day of
 * month, `L`, `MON#1`). With months left out: the longest run of days from one listed
 * month to the next. A restricted year field never repeats: Infinity.
 */
export function cronIntervalDays(fields: string[]): number {
  if (fields.length !== 6) {
    return Infinity;
  }
  const [, , dayOfMonth, month, dayOfWeek, year] = fields;
  if (year !== '*') {
    return Infinity;
  }
  const months = monthsOf(month);
  if (months === undefined || months.length === 0) {
    return Infinity;
  }
  if (months.length === 12) {
    const everyDay = (d: string) => d === '*' || d === '?';
    if (everyDay(dayOfMonth) && everyDay(dayOfWeek)) {
      return 1;
    }
    if (dayOfMonth === '?' && !/[#L]/i.test(dayOfWeek)) {
      return 7;
    }
    return 31;
  }
  let longest = 0;
  months.forEach((m, i) => {
    const next = months[(i + 1) % months.length];
    let days = 0;
    for (let k = m; k !== next || days === 0; k = (k + 1) % 12) {
      days += MONTH_DAYS[k];
    }
    longest = Math.max(longest, days);
  });
  return longest;
}

/** The months (0-11, sorted) a cron month field selects; undefined when it cannot be read. */
function monthsOf(field: string): number[] | undefined {
  const selected = new Set<number>();
  for (const part of field.toUpperCase().split(',')) {
    const m = /^(\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) {
      return undefined;
    }
    const [from, to] = m[1] === '*' ? [1, 12] : m[1].split('-').map(monthNumber) as [number, number?];
    const end = to ?? (m[2] ? 12 : from);
    const step = m[2] ? Number(m[2]) : 1;
    if (Number.isNaN(from) || Number.isNaN(end) || step < 1) {
      return undefined;
    }
    for (let k = from; k <= end; k += step) {
      selected.add(k - 1);
    }
  }
  return [...selected].filter(k => k >= 0 && k < 12).sort((a, b) => a - b);
}

function monthNumber(token: string): number {
  const byName = MONTH_NAMES.indexOf(token);
  return byName >= 0 ? byName + 1 : /^\d+$/.test(token) ? Number(token) : NaN;
}
