import { describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleExpressionError } from '../../../local/triggers/schedule-expression.ts';

const next = (expression: string, after: string) => {
  const schedule = parseSchedule(expression);
  if (schedule.kind !== 'cron') throw new Error('not a cron');
  return schedule.next(new Date(after))?.toISOString();
};

describe('parseSchedule', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(2 hours)', 7_200_000],
    ['rate(1 day)', 86_400_000],
  ])('reads %s as a period of %i ms', (expression, periodMs) => {
    expect(parseSchedule(expression)).toEqual({ kind: 'rate', periodMs });
  });

  it.each([
    ['cron(0 12 * * ? *)', '2026-12-01T12:00:00Z', '2026-12-02T12:00:00.000Z'],
    ['cron(15 10 ? * 6L 2026-2027)', '2026-12-01T00:00:00Z', '2026-12-25T10:15:00.000Z'], // the last Friday
    ['cron(0/15 * * * ? *)', '2026-12-01T10:07:00Z', '2026-12-01T10:15:00.000Z'],
    ['cron(0 8 1 * ? *)', '2026-12-15T00:00:00Z', '2027-01-01T08:00:00.000Z'],
    ['cron(0 18 ? * MON-FRI *)', '2026-12-04T19:00:00Z', '2026-12-07T18:00:00.000Z'], // Friday evening -> Monday
    ['cron(0 9 L * ? *)', '2026-02-02T00:00:00Z', '2026-02-28T09:00:00.000Z'],
    ['cron(0 9 ? * 3#2 *)', '2026-12-01T00:00:00Z', '2026-12-08T09:00:00.000Z'], // the second Tuesday
    ['cron(0 9 15W * ? *)', '2026-11-01T00:00:00Z', '2026-11-16T09:00:00.000Z'], // the 15th is a Sunday -> Monday
    ['cron(0 0 1 JAN ? 2030)', '2026-12-01T00:00:00Z', '2030-01-01T00:00:00.000Z'],
  ])('%s after %s is %s (UTC)', (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it.each([
    ['rate(1 minutes)', /singular unit for 1/],
    ['rate(5 minute)', /plural one otherwise/],
    ['rate(0 minutes)', /positive value/],
    ['cron(0 12 * * *)', /6 fields/],
    ['cron(0 12 * * * *)', /exactly one of day-of-month and day-of-week must be "\?"/],
    ['cron(61 12 * * ? *)', /"61" is not in 0-59/],
    ['every minute', /rate\(value unit\) or cron/],
  ])('rejects %s as EventBridge does', (expression, message) => {
    expect(() => parseSchedule(expression)).toThrow(ScheduleExpressionError);
    expect(() => parseSchedule(expression)).toThrow(message);
  });
});
