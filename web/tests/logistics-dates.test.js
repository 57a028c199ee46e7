import { describe, expect, test } from 'vitest';
import { addDays, chinaToday, daysBack, fallbackDay, isDate, latestPlanDay } from '../src/lib/logistics-dates.js';

describe('days', () => {
  test('real dates only', () => {
    expect(isDate('2020-12-28')).toBe(true);
    expect(isDate('2020-02-29')).toBe(true);
    expect(isDate('2021-02-29')).toBe(false);
    expect(isDate('2020-12-2')).toBe(false);
    expect(isDate('')).toBe(false);
  });
  test('day arithmetic across months and years', () => {
    expect(addDays('2020-12-31', 1)).toBe('2021-01-01');
    expect(addDays('2020-03-01', -1)).toBe('2020-02-29');
    expect(daysBack('2021-01-02', '2020-12-30')).toEqual(['2021-01-02', '2021-01-01', '2020-12-31', '2020-12-30']);
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

// A region whose plans are stored on `days`, with the registry's latest year `latest`: the reads the page
// makes, counted.
function server(days, latest) {
  const asked = [];
  const reports = [];
  return {
    asked,
    reports,
    hasPlan: async (d) => {
      asked.push(d);
      return days.includes(d);
    },
    planYear: async (year) => {
      const y = year || latest;
      reports.push(y);
      if (y > latest) throw new Error('no registry data');
      return { year: y, planned: days.some((d) => d.startsWith(String(y))) };
    },
  };
}

describe('the latest day with a plan', () => {
  test('a plan of the last days is found without the year report', async () => {
    const s = server(['2026-11-20', '2026-11-29'], 2025);
    expect(await latestPlanDay({ ...s, today: '2026-11-30' })).toBe('2026-11-29');
    expect(s.reports).toEqual([]);
    expect(s.asked[0]).toBe('2026-12-01'); // tomorrow first
    expect(s.asked).toHaveLength(14);
  });
  test('the demo: plans of December 2020 seen from 2026', async () => {
    const s = server(['2020-12-27', '2020-12-28'], 2020);
    expect(await latestPlanDay({ ...s, today: '2026-11-30' })).toBe('2020-12-28');
    expect(s.reports).toEqual([2020]);
    // 14 recent days, then 2020-12-31 back to 2020-12-18 in one batch.
    expect(s.asked).toHaveLength(28);
  });
  test('an earlier year with plans, the years between without', async () => {
    const s = server(['2018-03-02'], 2020);
    expect(await latestPlanDay({ ...s, today: '2026-11-30' })).toBe('2018-03-02');
    expect(s.reports).toEqual([2020, 2019, 2018]);
    expect(s.asked).not.toContain('2019-06-01'); // a year without plans is not searched
  });
  test('no plan anywhere: null, after a bounded number of reads', async () => {
    const s = server([], 2020);
    expect(await latestPlanDay({ ...s, today: '2026-11-30' })).toBeNull();
    expect(s.reports).toEqual([2020, 2019, 2018]);
    expect(s.asked).toHaveLength(14);
  });
});
