// Which report takes which parameter (docs/REPORTS.md, docs/API.md), which
// roles may read it, in which formats it comes, and the URLs built from the
// reports page's form. The form never offers a combination the server
// would refuse: a parameter a report does not take is not sent, a format it
// does not have cannot be chosen.
import { apiUrl } from './api.js';
import { PREFECTURE, isRegionCode } from './registry-regions.js';

const ALL_FORMATS = ['table', 'csv', 'xlsx'];
const INDICATOR_READERS = ['admin', 'official', 'registry', 'auditor', 'county_operator', 'station_operator',
  'outlet_operator'];
const MARKET_READERS = ['admin', 'official', 'auditor', 'county_operator', 'station_operator', 'outlet_operator'];

// In the order the page lists them.
export const REPORTS = {
  poverty: { params: ['region', 'year'], formats: ALL_FORMATS, roles: INDICATOR_READERS },
  indicator: { params: ['region', 'year', 'indicator'], required: ['indicator'], formats: ALL_FORMATS,
    roles: INDICATOR_READERS },
  indicators: { params: ['region', 'year'], formats: ALL_FORMATS, roles: INDICATOR_READERS },
  trend: { params: ['region', 'indicator', 'from', 'to'], required: ['indicator'], formats: ALL_FORMATS,
    roles: INDICATOR_READERS },
  coverage: { params: ['region', 'year'], formats: ALL_FORMATS, roles: INDICATOR_READERS },
  logistics: { params: ['region', 'year'], formats: ALL_FORMATS, roles: MARKET_READERS },
  'ecommerce-scale': { params: ['region', 'year'], formats: ALL_FORMATS, roles: INDICATOR_READERS },
  benefit: { params: ['region', 'year'], formats: ['table'], roles: INDICATOR_READERS },
  'institution-purchases': { params: ['region', 'year'], formats: ['table'], roles: MARKET_READERS },
  'paper-check': { params: ['year'], formats: ALL_FORMATS, roles: INDICATOR_READERS, prefectureOnly: true },
};

export const LANGS = ['zh', 'en', 'both'];

// The reports a role on a grant may read; paper-check covers the whole
// prefecture, so only a grant on the prefecture reads it.
export function reportsFor(role, grantCode) {
  return Object.keys(REPORTS).filter((name) => {
    const r = REPORTS[name];
    return r.roles.includes(role) && (!r.prefectureOnly || grantCode === PREFECTURE);
  });
}

export function takes(name, param) {
  return Boolean(REPORTS[name]?.params.includes(param));
}

export function formatsOf(name) {
  return REPORTS[name]?.formats || [];
}

// The form with what the chosen report cannot use put back: a format it
// does not have becomes the on-screen table.
export function normalize(form) {
  const out = { ...form };
  if (!formatsOf(out.report).includes(out.format)) out.format = 'table';
  if (!LANGS.includes(out.lang)) out.lang = 'zh';
  return out;
}

const YEAR = /^[0-9]{4}$/;

// Problems with the form, by field, as message keys of reports.error.
export function validate(form) {
  const errors = {};
  const r = REPORTS[form.report];
  if (!r) {
    errors.report = 'report';
    return errors;
  }
  if (takes(form.report, 'region') && form.region && !isRegionCode(form.region)) errors.region = 'region';
  if (takes(form.report, 'year') && form.year && !YEAR.test(String(form.year))) errors.year = 'year';
  if (takes(form.report, 'indicator') && !form.indicator) errors.indicator = 'indicator';
  for (const f of ['from', 'to']) {
    if (takes(form.report, f) && form[f] && !YEAR.test(String(form[f]))) errors[f] = 'year';
  }
  if (takes(form.report, 'from') && form.from && form.to && !errors.from && !errors.to
    && Number(form.from) > Number(form.to)) {
    errors.from = 'fromAfterTo';
  }
  if (!formatsOf(form.report).includes(form.format)) errors.format = 'format';
  return errors;
}

// The query parameters the report takes, leaving out empty ones.
export function paramsOf(form) {
  const params = {};
  for (const p of REPORTS[form.report]?.params || []) {
    const v = form[p];
    if (v !== undefined && v !== null && v !== '') params[p] = String(v);
  }
  return params;
}

// The API path of the report's JSON form: fetched with api.get(path, params).
export function reportPath(form) {
  return '/reports/' + form.report;
}

// The link that downloads the report as CSV or Excel (the session cookie
// goes with a plain link); null for a format the report does not have.
export function downloadUrl(form, format) {
  if (format === 'table' || !formatsOf(form.report).includes(format)) return null;
  const lang = LANGS.includes(form.lang) ? form.lang : undefined;
  return apiUrl(reportPath(form), { ...paramsOf(form), format, lang });
}

// The page's address keeps the form, so a chosen report can be shared.
const QUERY_KEYS = ['report', 'region', 'year', 'indicator', 'from', 'to', 'format', 'lang'];

export function toQuery(form) {
  const q = {};
  for (const k of QUERY_KEYS) {
    if (k === 'report' || k === 'format' || k === 'lang' || takes(form.report, k)) {
      const v = form[k];
      if (v !== undefined && v !== null && v !== '') q[k] = String(v);
    }
  }
  return q;
}

export function fromQuery(query, defaults) {
  const form = { ...defaults };
  const one = (v) => (Array.isArray(v) ? v[0] : v);
  const report = one(query.report);
  if (report && REPORTS[report]) form.report = report;
  for (const k of ['region', 'indicator', 'format', 'lang']) {
    const v = one(query[k]);
    if (typeof v === 'string' && v) form[k] = v;
  }
  for (const k of ['year', 'from', 'to']) {
    const v = one(query[k]);
    if (typeof v === 'string' && YEAR.test(v)) form[k] = Number(v);
  }
  return normalize(form);
}

// The rows of a report grouped by its sections ([{key, title_zh, title_en, rows}]);
// a report without sections is one group with key null.
export function sectionsOf(report) {
  const rows = report?.rows || [];
  const sections = report?.sections || [];
  if (!sections.length) return [{ key: null, title_zh: '', title_en: '', rows }];
  return sections.map((s) => ({ ...s, rows: rows.filter((r) => r.section === s.key) }))
    .filter((s) => s.rows.length);
}

// The columns a table shows: a sectioned report's rows carry "section",
// which the section heading already says.
export function columnsOf(report) {
  return (report?.columns || []).filter((c) => c.key !== 'section');
}

const NUMERIC = ['int', 'percent', 'decimal', 'year', 'value'];

export function isNumeric(column) {
  return NUMERIC.includes(column?.kind);
}

// A cell as text: counts grouped by thousands, percentages with two
// decimals, decimals as the server gives them, years plain; null as noData.
export function cellText(column, value, locale = 'zh-CN', noData = '—') {
  if (value === null || value === undefined || value === '') return value === '' ? '' : noData;
  if (typeof value === 'boolean') return String(value);
  switch (column?.kind) {
    case 'int':
      return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : String(value);
    case 'percent':
      return typeof value === 'number' ? value.toFixed(2) : String(value);
    case 'decimal':
      return typeof value === 'number'
        ? new Intl.NumberFormat(locale, { maximumFractionDigits: 6 }).format(value) : String(value);
    default:
      return String(value);
  }
}

// A column's header in the chosen language ('both': Chinese, then English).
export function headerOf(column, lang) {
  if (lang === 'en') return [column.name_en || column.name_zh];
  if (lang === 'both' && column.name_en && column.name_en !== column.name_zh) return [column.name_zh, column.name_en];
  return [column.name_zh || column.name_en];
}
