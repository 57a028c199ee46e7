import { describe, expect, test } from 'vitest';
import { chinaToday, fallbackDay, isDate } from '../src/lib/logistics-dates.js';

describe('days', () => {
  test('real dates only', () => {
    expect(isDate('2020-12-28')).toBe(true);
    expect(isDate('2020-02-29')).toBe(true);
    expect(isDate('2021-02-29')).toBe(false);
    expect(isDate('2020-12-2')).toBe(false);
    expect(isDate('')).toBe(false);
  });
  test('today on China\'s calendar', () => {
    expect(chinaToday(Date.parse('2020-12-27T15:59:59Z'))).toBe('2020-12-27');
    expect(chinaToday(Date.parse('2020-12-27T16:00:00Z'))).toBe('2020-12-28');
  });
  test('the day shown without plans', () => {
    expect(fallbackDay(2020, '2026-11-30')).toBe('2020-12-31');
    expect(fallbackDay(2026, '2026-11-30')).toBe('2026-11-30');
    expect(fallbackDay(0, '2026-11-30')).toBe('2026-11-30');
  });
});
