// The dashboard's chart options, built from report JSON: pure functions, so
// that what a chart shows is tested without a browser.
import { childRows } from './reports.js';

// What ECharts puts into a tooltip as HTML: text, never markup.
export function encodeHTML(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function unitLabel(info) {
  return info?.unit === '%' ? '%' : '';
}

function label(row) {
  return row.region_name;
}

// Figure 1 of the paper for a region: poor people (bars) and poverty incidence
// (line, right axis) by child region.
export function figureOneOption(poverty, t) {
  const rows = childRows(poverty);
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    legend: { data: [t('dashboard.poorPeople'), t('dashboard.incidence')] },
    grid: { left: 60, right: 50, bottom: 80, top: 40 },
    xAxis: { type: 'category', data: rows.map(label), axisLabel: { rotate: rows.length > 8 ? 45 : 0, interval: 0 } },
    yAxis: [
      { type: 'value', name: t('dashboard.poorPeople') },
      { type: 'value', name: '%', position: 'right' },
    ],
    series: [
      {
        name: t('dashboard.poorPeople'),
        type: 'bar',
        data: rows.map((r) => ({ value: r.poor_people, code: r.level === 'village' ? null : r.region_code })),
        itemStyle: { color: '#0b5cad' },
      },
      {
        name: t('dashboard.incidence'),
        type: 'line',
        yAxisIndex: 1,
        data: rows.map((r) => r.poverty_incidence),
        itemStyle: { color: '#c2410c' },
      },
    ],
  };
}

// The county map coloured by the indicator's value in each county (the rows
// of the indicator report of the prefecture). A county without a value stays grey.
export function mapOption(report, info, t) {
  const rows = childRows(report);
  const values = rows.map((r) => r.value).filter((v) => v !== null && v !== undefined);
  return {
    aria: { enabled: true },
    tooltip: {
      trigger: 'item',
      // ECharts shows a formatter's text as HTML: the name is escaped.
      formatter: (p) => `${encodeHTML(p.name)}: ${p.value === undefined || Number.isNaN(p.value) ? t('dashboard.noData') : p.value}${unitLabel(info)}`,
    },
    visualMap: {
      min: values.length ? Math.min(...values) : 0,
      max: values.length ? Math.max(...values) : 1,
      left: 'left',
      bottom: 10,
      text: [t('dashboard.high'), t('dashboard.low')],
      calculable: true,
      inRange: { color: ['#e8f1fb', '#0b5cad'] },
    },
    series: [
      {
        type: 'map',
        map: 'linxia',
        nameProperty: 'name',
        roam: false,
        label: { show: true, fontSize: 11 },
        data: rows.map((r) => ({ name: r.region_name, value: r.value, code: r.region_code })),
      },
    ],
  };
}

// The indicator by child region as bars (drill-down: a click opens the child).
export function drillOption(report, info, t) {
  const rows = childRows(report);
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    grid: { left: 60, right: 20, bottom: 90, top: 30 },
    xAxis: { type: 'category', data: rows.map(label), axisLabel: { rotate: rows.length > 8 ? 45 : 0, interval: 0 } },
    yAxis: { type: 'value', name: unitLabel(info) },
    series: [
      {
        type: 'bar',
        name: info ? (t('dashboard.indicator')) : '',
        data: rows.map((r) => ({ value: r.value, code: r.level === 'village' ? null : r.region_code })),
        itemStyle: { color: '#1d7a3a' },
      },
    ],
  };
}

// The indicator by year.
export function trendOption(report, info) {
  const rows = report.rows.filter((r) => !r.total);
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    grid: { left: 60, right: 20, bottom: 40, top: 30 },
    xAxis: { type: 'category', data: rows.map((r) => String(r.year)) },
    yAxis: { type: 'value', name: unitLabel(info) },
    series: [{ type: 'line', data: rows.map((r) => r.value), connectNulls: false, itemStyle: { color: '#0b5cad' } }],
  };
}
