/**
 * EventBridge schedule expressions (eb-scheduled-rule-pattern), in UTC: `rate(N unit)` and six-field
 * `cron(minutes hours day-of-month month day-of-week year)` with `, - * / ?`, names (JAN, SUN), `L`, `W` and `#`.
 */
export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';
  readonly code = 'SCHEDULE_EXPRESSION_INVALID';
}

export type Schedule = { kind: 'rate'; periodMs: number } | { kind: 'cron'; next(after: Date): Date | undefined };

const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function parseSchedule(expression: string): Schedule {
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2]!;
    // EventBridge rejects `rate(1 minutes)` and `rate(5 minute)`: the unit agrees with the value.
    if (value === 0 || (value === 1) !== !unit.endsWith('s')) {
      throw new ScheduleExpressionError(`${expression}: use a positive value, with a singular unit for 1 (rate(1 minute)) and a plural one otherwise (rate(5 minutes))`);
    }
    return { kind: 'rate', periodMs: value * UNITS[unit.replace(/s$/, '')]! };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) throw new ScheduleExpressionError(`${expression}: a schedule is rate(value unit) or cron(minutes hours day-of-month month day-of-week year)`);
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6) throw new ScheduleExpressionError(`${expression}: cron takes 6 fields (minutes hours day-of-month month day-of-week year); got ${fields.length}`);
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw new ScheduleExpressionError(`${expression}: exactly one of day-of-month and day-of-week must be "?"`);
  const minutes = values(min, 0, 59, expression);
  const hours = values(hour, 0, 23, expression);
  const months = values(month, 1, 12, expression, MONTHS);
  const years = values(year, 1970, 2199, expression);
  const dayMatches = dom === '?' ? dayOfWeekMatcher(dow, expression) : dayOfMonthMatcher(dom, expression);
  return {
    kind: 'cron',
    next(after: Date): Date | undefined {
      // Walk days from `after` (at most ~8 years ahead), then the day's hours and minutes: a few thousand steps at most.
      const start = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate()));
      for (let day = 0; day < 366 * 8; day++) {
        const date = new Date(start.getTime() + day * 86_400_000);
        if (!years.has(date.getUTCFullYear()) || !months.has(date.getUTCMonth() + 1) || !dayMatches(date)) continue;
        for (const h of [...hours].sort((a, b) => a - b)) {
          for (const m of [...minutes].sort((a, b) => a - b)) {
            const at = new Date(date.getTime() + h * 3_600_000 + m * 60_000);
            if (at.getTime() > after.getTime()) return at;
          }
        }
      }
      return undefined;
    },
  };
}

/** A field's allowed values: `*`, `a,b`, `a-b`, `a/n`, `*\/n`, `a-b/n`, names. */
function values(field: string, low: number, high: number, expression: string, names: string[] = [], offset = 1): Set<number> {
  const out = new Set<number>();
  const number = (text: string) => {
    const index = names.indexOf(text.toUpperCase());
    const value = index >= 0 ? index + offset : Number(text);
    if (!Number.isInteger(value) || value < low || value > high) throw new ScheduleExpressionError(`${expression}: "${text}" is not in ${low}-${high}`);
    return value;
  };
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleExpressionError(`${expression}: bad step in "${part}"`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [low, high];
    else if (range.includes('-')) [from, to] = range.split('-').map(number) as [number, number];
    else [from, to] = [number(range), stepText === undefined ? number(range) : high];
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function daysInMonth(date: Date): number {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
}

/** Day-of-month: a list/range, `L` (the last day), `15W` (the weekday nearest the 15th, within the month), `LW`. */
function dayOfMonthMatcher(field: string, expression: string): (date: Date) => boolean {
  if (field === 'L') return (date) => date.getUTCDate() === daysInMonth(date);
  const weekday = /^(\d+|L)W$/.exec(field);
  if (weekday) {
    return (date) => {
      const last = daysInMonth(date);
      const target = weekday[1] === 'L' ? last : Math.min(Number(weekday[1]), last);
      const base = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), target));
      let day = target;
      if (base.getUTCDay() === 6) day = target === 1 ? 3 : target - 1; // Saturday: Friday, or Monday the 3rd
      else if (base.getUTCDay() === 0) day = target === last ? target - 2 : target + 1; // Sunday: Monday, or Friday
      return date.getUTCDate() === day;
    };
  }
  if (field === '*') return () => true;
  const days = values(field, 1, 31, expression);
  return (date) => days.has(date.getUTCDate());
}

/** Day-of-week (1 = SUN … 7 = SAT): a list/range, `L` (Saturday), `5L` (the last Thursday), `3#2` (the second Tuesday). */
function dayOfWeekMatcher(field: string, expression: string): (date: Date) => boolean {
  const dayNumber = (text: string) => {
    const index = DAYS.indexOf(text.toUpperCase());
    const value = index >= 0 ? index + 1 : Number(text);
    if (!Number.isInteger(value) || value < 1 || value > 7) throw new ScheduleExpressionError(`${expression}: "${text}" is not a day of the week (1-7 or SUN-SAT)`);
    return value;
  };
  if (field === 'L') return (date) => date.getUTCDay() === 6;
  const last = /^(\w+)L$/.exec(field);
  if (last) {
    const day = dayNumber(last[1]!);
    return (date) => date.getUTCDay() + 1 === day && date.getUTCDate() + 7 > daysInMonth(date);
  }
  const nth = /^(\w+)#([1-5])$/.exec(field);
  if (nth) {
    const day = dayNumber(nth[1]!);
    const which = Number(nth[2]);
    return (date) => date.getUTCDay() + 1 === day && Math.ceil(date.getUTCDate() / 7) === which;
  }
  if (field === '*') return () => true;
  const days = values(field, 1, 7, expression, DAYS);
  return (date) => days.has(date.getUTCDay() + 1);
}
