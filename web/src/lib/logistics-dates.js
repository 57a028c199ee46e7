// Days of the planner: "today" on China's calendar (UTC+8, as the server
// counts days), checking "YYYY-MM-DD", and the day shown when no
// plan is stored (the server finds the latest day with one: date=latest).

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isDate(text) {
  if (!DATE.test(text || '')) return false;
  const d = new Date(text + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function chinaToday(now = Date.now()) {
  return new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

// The day to show when no plan is stored: the last day of the latest year with registry data when that
// year is over, else today.
export function fallbackDay(reportYear, today) {
  const end = `${reportYear}-12-31`;
  return reportYear && end < today ? end : today;
}
