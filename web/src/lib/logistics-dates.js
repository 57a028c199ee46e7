// Days of the planner: "today" on China's calendar (UTC+8, as the server
// counts days), day arithmetic on "YYYY-MM-DD", and the latest day with a
// stored plan for a region, found with the API's reads alone: the days around
// today first, then the year report of the logistics plans (which says whether
// a year has any) and that year's days from its end, a batch at a time.

const DAY_MS = 86400000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDate(text) {
  if (!DATE.test(text || '')) return false;
  const d = new Date(text + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function addDays(date, n) {
  return new Date(Date.parse(date + 'T00:00:00Z') + n * DAY_MS).toISOString().slice(0, 10);
}

export function chinaToday(now = Date.now()) {
  return new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// The first of `dates` (in order) for which `hasPlan(date)` is true, asking `batch` at a time; null if none.
async function firstWithPlan(dates, hasPlan, batch) {
  for (let i = 0; i < dates.length; i += batch) {
    const part = dates.slice(i, i + batch);
    const found = await Promise.all(part.map((d) => hasPlan(d)));
    const at = found.indexOf(true);
    if (at >= 0) return part[at];
  }
  return null;
}

// Days from `from` back to `to`, both included.
export function daysBack(from, to) {
  const out = [];
  for (let d = from; d >= to; d = addDays(d, -1)) out.push(d);
  return out;
}

// The latest day with a plan, or null.
//   hasPlan(date) → Promise<boolean>: the region has a plan that day;
//   planYear(year?) → Promise<{year, planned}>: the logistics report of a year (default: the latest year with
//   registry data), `planned` true when it counts planned village-days;
//   today: "YYYY-MM-DD". Looks at tomorrow and the 13 days before today, then up to `years` report years.
export async function latestPlanDay({ hasPlan, planYear, today, years = 3, batch = 14 }) {
  const recent = await firstWithPlan(daysBack(addDays(today, 1), addDays(today, -12)), hasPlan, batch);
  if (recent) return recent;
  let report = await planYear();
  for (let i = 0; i < years && report; i += 1) {
    if (report.planned) {
      const end = `${report.year}-12-31` < today ? `${report.year}-12-31` : today;
      const day = await firstWithPlan(daysBack(end, `${report.year}-01-01`), hasPlan, batch);
      if (day) return day;
    }
    if (i + 1 < years) report = await planYear(report.year - 1).catch(() => null);
  }
  return null;
}

// The day to show when no plan is stored: the last day of the latest year with registry data when that
// year is over, else today.
export function fallbackDay(reportYear, today) {
  const end = `${reportYear}-12-31`;
  return reportYear && end < today ? end : today;
}
