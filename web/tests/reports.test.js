import { describe, expect, test } from 'vitest';
import { childRows, downloadLinks, headline, totalRow } from '../src/lib/reports.js';
import { encodeHTML, figureOneOption, mapOption, trendOption } from '../src/lib/dashboard-charts.js';

const poverty = {
  rows: [
    { level: 'county', region_code: '622901000000', region_name: '临夏市', poor_people: 300, poverty_incidence: 0.53 },
    { level: 'county', region_code: '622926000000', region_name: '东乡族自治县', poor_people: 900, poverty_incidence: 3.1 },
    { total: true, region_code: '622900000000', region_name: '临夏回族自治州', poor_people: 1200, poverty_incidence: 1.2 },
  ],
};
const t = (k) => k;

describe('reports', () => {
  test('separates the region rows from the total row', () => {
    expect(childRows(poverty).map((r) => r.region_code)).toEqual(['622901000000', '622926000000']);
    expect(totalRow(poverty).poor_people).toBe(1200);
    expect(totalRow({ rows: [] })).toBeNull();
  });
  test('pairs each indicator with its value of the year before', () => {
    const now = { rows: [{ indicator: 'poor_people', value: 10, unit: 'people' }, { indicator: 'trained_people', value: null, no_data: 'no records' }] };
    const before = { rows: [{ indicator: 'poor_people', value: 25 }] };
    expect(headline(now, before)).toEqual([
      { code: 'poor_people', name_zh: undefined, name_en: undefined, value: 10, unit: 'people', no_data: undefined, before: 25 },
      { code: 'trained_people', name_zh: undefined, name_en: undefined, value: null, unit: undefined, no_data: 'no records', before: null },
    ]);
    expect(headline(now, null)[0].before).toBeNull();
  });
  test('links to the same report as CSV and Excel, leaving out empty parameters', () => {
    const links = downloadLinks('indicator', { region: '622900000000', year: 2018, indicator: 'poor_people', from: '' }, 'zh');
    expect(links.csv).toBe('/api/v1/reports/indicator?region=622900000000&year=2018&indicator=poor_people&format=csv&lang=zh');
    expect(links.xlsx).toContain('format=xlsx');
  });
});

describe('dashboard charts', () => {
  test('Figure 1 has one bar and one point per region, incidence on the right axis', () => {
    const o = figureOneOption(poverty, t);
    expect(o.xAxis.data).toEqual(['临夏市', '东乡族自治县']);
    expect(o.series[0].data.map((d) => d.value)).toEqual([300, 900]);
    expect(o.series[0].data[1].code).toBe('622926000000');
    expect(o.series[1].data).toEqual([0.53, 3.1]);
    expect(o.series[1].yAxisIndex).toBe(1);
  });
  test('the map colours counties by value between the smallest and largest', () => {
    const report = { rows: [
      { region_code: '622901000000', region_name: '临夏市', value: 2 },
      { region_code: '622921000000', region_name: '临夏县', value: null },
      { region_code: '622926000000', region_name: '东乡族自治县', value: 7 },
      { total: true, region_code: '622900000000', value: 5 },
    ] };
    const o = mapOption(report, { unit: '%' }, t);
    expect(o.visualMap.min).toBe(2);
    expect(o.visualMap.max).toBe(7);
    expect(o.series[0].data).toHaveLength(3);
    expect(o.series[0].data[2]).toEqual({ name: '东乡族自治县', value: 7, code: '622926000000' });
  });
  test('tooltips show names as text, never as markup', () => {
    expect(encodeHTML('<img src=x onerror=alert(1)>"&\'')).toBe('&lt;img src=x onerror=alert(1)&gt;&quot;&amp;&#39;');
    const o = mapOption({ rows: [{ region_code: '1', region_name: '<b>x</b>', value: 1 }] }, { unit: '%' }, t);
    expect(o.tooltip.formatter({ name: '<b>x</b>', value: 1 })).toBe('&lt;b&gt;x&lt;/b&gt;: 1%');
  });
  test('the trend has one point per year', () => {
    const o = trendOption({ rows: [{ year: 2012, value: 42.2 }, { year: 2013, value: 34.25 }] }, { unit: '%' });
    expect(o.xAxis.data).toEqual(['2012', '2013']);
    expect(o.series[0].data).toEqual([42.2, 34.25]);
  });
});
