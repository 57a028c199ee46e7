// Reading the server's reports (GET /api/v1/reports/NAME): the JSON form for
// the page, and links to the same figures as CSV or Excel for download.
import { api, apiUrl } from './api.js';

export function getReport(name, params, opts) {
  return api.get('/reports/' + name, params, opts);
}

// {csv, xlsx} hrefs for the report a chart or table shows.
export function downloadLinks(name, params, lang) {
  return {
    csv: apiUrl('/reports/' + name, { ...params, format: 'csv', lang }),
    xlsx: apiUrl('/reports/' + name, { ...params, format: 'xlsx', lang }),
  };
}

// The rows of a report that are regions (not the total row).
export function childRows(report) {
  return (report?.rows || []).filter((r) => !r.total);
}

export function totalRow(report) {
  return (report?.rows || []).find((r) => r.total) || null;
}

// Headline cards from the indicators report of a year and of the year before:
// [{code, name_zh, name_en, value, unit, before, no_data}].
export function headline(now, before) {
  const earlier = new Map((before?.rows || []).map((r) => [r.indicator, r]));
  return (now?.rows || []).map((r) => ({
    code: r.indicator,
    name_zh: r.name_zh,
    name_en: r.name_en,
    value: r.value,
    unit: r.unit,
    no_data: r.no_data,
    before: earlier.has(r.indicator) ? earlier.get(r.indicator).value : null,
  }));
}
