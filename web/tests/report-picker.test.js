import { describe, expect, test } from 'vitest';
import { REPORTS, cellText, columnsOf, downloadUrl, formatsOf, fromQuery, headerOf, normalize, paramsOf,
  reportsFor, sectionsOf, takes, toQuery, validate } from '../src/lib/report-picker.js';

const base = { report: 'poverty', region: '622926000000', year: 2018, indicator: 'poverty_incidence', from: '',
  to: '', format: 'table', lang: 'zh' };

describe('which reports a role may pick', () => {
  test('a prefecture official reads every report', () => {
    expect(reportsFor('official', '622900000000').sort()).toEqual(Object.keys(REPORTS).sort());
  });
  test('paper-check needs a grant on the prefecture', () => {
    expect(reportsFor('county_operator', '622926000000')).not.toContain('paper-check');
    expect(reportsFor('admin', '622900000000')).toContain('paper-check');
  });
  test('a registry clerk reads neither logistics nor the institutions', () => {
    const names = reportsFor('registry', '622926000000');
    expect(names).toContain('benefit');
    expect(names).not.toContain('logistics');
    expect(names).not.toContain('institution-purchases');
  });
  test('buyers and suppliers read none', () => {
    expect(reportsFor('buyer', '622900000000')).toEqual([]);
    expect(reportsFor('supplier', '622926101201')).toEqual([]);
  });
});

describe('parameters', () => {
  test('each report is sent only the parameters it takes', () => {
    expect(paramsOf(base)).toEqual({ region: '622926000000', year: '2018' });
    expect(paramsOf({ ...base, report: 'indicator' }))
      .toEqual({ region: '622926000000', year: '2018', indicator: 'poverty_incidence' });
    expect(paramsOf({ ...base, report: 'trend', from: 2014, to: '' }))
      .toEqual({ region: '622926000000', indicator: 'poverty_incidence', from: '2014' });
    expect(paramsOf({ ...base, report: 'paper-check' })).toEqual({ year: '2018' });
    expect(takes('trend', 'year')).toBe(false);
    expect(takes('paper-check', 'region')).toBe(false);
  });
  test('the benefit and institutions reports come as JSON only', () => {
    expect(formatsOf('benefit')).toEqual(['table']);
    expect(normalize({ ...base, report: 'institution-purchases', format: 'csv' }).format).toBe('table');
    expect(normalize({ ...base, format: 'csv' }).format).toBe('csv');
  });
  test('an invalid combination is named by its field', () => {
    expect(validate(base)).toEqual({});
    expect(validate({ ...base, report: 'trend', indicator: '' })).toEqual({ indicator: 'indicator' });
    expect(validate({ ...base, report: 'trend', from: 2019, to: 2015 })).toEqual({ from: 'fromAfterTo' });
    expect(validate({ ...base, report: 'trend', from: 2015, to: 2019 })).toEqual({});
    expect(validate({ ...base, report: 'benefit', format: 'xlsx' })).toEqual({ format: 'format' });
    expect(validate({ ...base, region: 'dongxiang' })).toEqual({ region: 'region' });
    expect(validate({ ...base, report: 'nope' })).toEqual({ report: 'report' });
    // A parameter the report does not take is not checked: it is not sent.
    expect(validate({ ...base, report: 'paper-check', region: 'x' })).toEqual({});
  });
});

describe('URLs', () => {
  test('download links carry the parameters, the format and the language', () => {
    expect(downloadUrl(base, 'csv')).toBe('/api/v1/reports/poverty?region=622926000000&year=2018&format=csv&lang=zh');
    expect(downloadUrl({ ...base, lang: 'both' }, 'xlsx'))
      .toBe('/api/v1/reports/poverty?region=622926000000&year=2018&format=xlsx&lang=both');
    expect(downloadUrl({ ...base, report: 'trend', from: '', to: 2020 }, 'csv'))
      .toBe('/api/v1/reports/trend?region=622926000000&indicator=poverty_incidence&to=2020&format=csv&lang=zh');
    expect(downloadUrl({ ...base, report: 'benefit' }, 'csv')).toBeNull();
    expect(downloadUrl(base, 'table')).toBeNull();
  });
  test('the form survives a round trip through the address', () => {
    const form = { ...base, report: 'indicator', format: 'xlsx', lang: 'en' };
    const q = toQuery(form);
    expect(q).toEqual({ report: 'indicator', region: '622926000000', year: '2018', indicator: 'poverty_incidence',
      format: 'xlsx', lang: 'en' });
    expect(fromQuery(q, { ...base, report: 'poverty' })).toEqual(form);
  });
  test('an address with unknown values falls back to the defaults', () => {
    const form = fromQuery({ report: 'nope', year: '20x8', format: 'pdf', lang: 'fr' }, base);
    expect(form.report).toBe('poverty');
    expect(form.year).toBe(2018);
    expect(form.format).toBe('table');
    expect(form.lang).toBe('zh');
  });
});

describe('the table on screen', () => {
  const report = {
    columns: [{ key: 'section', kind: 'text' }, { key: 'region', name_zh: '地区', name_en: 'region', kind: 'text' },
      { key: 'n', name_zh: '人数', name_en: 'people', kind: 'int' }],
    sections: [{ key: 'a', title_zh: '甲', title_en: 'A' }, { key: 'b', title_zh: '乙', title_en: 'B' },
      { key: 'c', title_zh: '丙', title_en: 'C' }],
    rows: [{ section: 'b', region: 'x', n: 1 }, { section: 'a', region: 'y', n: 2 }, { section: 'b', region: 'z', n: 3 }],
  };
  test('rows grouped by section in the sections order, empty sections left out', () => {
    expect(sectionsOf(report).map((s) => [s.key, s.rows.map((r) => r.region)])).toEqual([['a', ['y']], ['b', ['x', 'z']]]);
    expect(sectionsOf({ rows: [{ a: 1 }] })).toEqual([{ key: null, title_zh: '', title_en: '', rows: [{ a: 1 }] }]);
    expect(columnsOf(report).map((c) => c.key)).toEqual(['region', 'n']);
  });
  test('cells by kind of column', () => {
    expect(cellText({ kind: 'int' }, 163800, 'en-US')).toBe('163,800');
    expect(cellText({ kind: 'percent' }, 8.9, 'en-US')).toBe('8.90');
    expect(cellText({ kind: 'percent' }, 0, 'en-US')).toBe('0.00');
    expect(cellText({ kind: 'year' }, 2018, 'en-US')).toBe('2018');
    expect(cellText({ kind: 'decimal' }, 1234.5, 'en-US')).toBe('1,234.5');
    expect(cellText({ kind: 'text' }, '临夏市')).toBe('临夏市');
    expect(cellText({ kind: 'int' }, null, 'en-US', 'no data')).toBe('no data');
  });
  test('headers in one language or both', () => {
    const c = { name_zh: '贫困人口', name_en: 'poor people' };
    expect(headerOf(c, 'zh')).toEqual(['贫困人口']);
    expect(headerOf(c, 'en')).toEqual(['poor people']);
    expect(headerOf(c, 'both')).toEqual(['贫困人口', 'poor people']);
  });
});
