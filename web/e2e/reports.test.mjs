// The reports page against the real server: an official picks the poverty
// report of a county and year, the table on screen is `fupin report poverty`
// on the same database, and the CSV and Excel downloads carry the same rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fupin, screenshot, signIn, useServerAndBrowser, writeOut } from './harness.mjs';

const DONGXIANG = '622926000000';

const live = useServerAndBrowser();

// RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

// A cell of the JSON report as the CSV writes it, compared by value.
function sameValue(csv, value, kind) {
  if (value === null) return csv === '';
  if (kind === 'text') return csv === String(value);
  return Number(csv) === value;
}

// A cell of the table on screen against the JSON value.
function sameShown(text, value, kind) {
  if (value === null) return text === '无数据';
  if (kind === 'text') return text === String(value);
  return Number(text.replace(/,/g, '')) === value;
}

test('the poverty report of a county: the table is the command-line report, and CSV and Excel download', async () => {
  const page = await live.browser.newPage();
  await signIn(page, live.server.url, 'official');
  await page.goto(live.server.url + '/reports');
  await page.getByLabel('报表', { exact: true }).selectOption('poverty');

  // The county, found by pinyin within the grant.
  await page.getByRole('button', { name: '更换地区' }).click();
  await page.getByLabel('按名称或拼音查找地区').fill('dongxiang');
  await page.getByRole('button', { name: '查找', exact: true }).click();
  await page.locator(`[data-test=search-results] button[data-code="${DONGXIANG}"]`).click();
  await page.locator('[data-test=report-region]').filter({ hasText: '东乡族自治县' }).waitFor();

  // A year other than the default (the latest), from the years the page offers.
  const yearSelect = page.getByLabel('年份', { exact: true });
  const years = (await yearSelect.locator('option').allInnerTexts()).map(Number);
  const trend = JSON.parse(fupin(live.server.env, ['report', 'trend', '--db', live.server.db, '--format', 'json',
    '--indicator', 'rural_population']));
  assert.deepEqual(years, trend.rows.map((r) => r.year));
  const year = years[years.length - 3];
  await yearSelect.selectOption(String(year));

  await page.getByRole('button', { name: '显示报表' }).click();
  const table = page.locator('[data-test=report-table]');
  await table.locator('tbody tr').first().waitFor();
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('region'), DONGXIANG);
  assert.equal(url.searchParams.get('year'), String(year));

  const report = JSON.parse(fupin(live.server.env, ['report', 'poverty', '--db', live.server.db, '--format', 'json',
    '--region', DONGXIANG, '--year', String(year)]));
  const heads = await table.locator('thead th').allInnerTexts();
  assert.deepEqual(heads.map((h) => h.trim()), report.columns.map((c) => c.name_zh));
  const rows = table.locator('tbody tr');
  assert.equal(await rows.count(), report.rows.length);
  for (let i = 0; i < report.rows.length; i++) {
    const tr = rows.nth(i);
    assert.equal(await tr.evaluate((el) => el.classList.contains('total')), report.rows[i].total === true);
    for (const c of report.columns) {
      const text = (await tr.locator(`td[data-col="${c.key}"]`).innerText()).trim();
      assert.ok(sameShown(text, report.rows[i][c.key], c.kind),
        `row ${i} ${c.key}: shown ${text}, report ${report.rows[i][c.key]}`);
    }
  }
  assert.equal(await page.locator('[data-test=notes] li').count(), report.notes.length);
  await screenshot(page, 'reports-poverty-table');

  // CSV: a plain link with the session cookie; its rows are the report's.
  await page.getByLabel('CSV').check();
  await page.getByRole('button', { name: '生成下载链接' }).click();
  const csvLink = page.locator('[data-test=download-csv]');
  await csvLink.waitFor();
  await screenshot(page, 'reports-poverty-csv-link');
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
  const csvText = readFileSync(await csvDownload.path(), 'utf8');
  writeOut('reports-poverty.csv', csvText);
  const csv = parseCsv(csvText);
  assert.deepEqual(csv[0], report.columns.map((c) => c.key));
  assert.equal(csv.length - 1, report.rows.length);
  report.rows.forEach((row, i) => {
    report.columns.forEach((c, j) => {
      assert.ok(sameValue(csv[i + 1][j], row[c.key], c.kind), `CSV row ${i} ${c.key}: ${csv[i + 1][j]} vs ${row[c.key]}`);
    });
  });

  // Excel: a workbook, that is a ZIP file.
  await page.getByLabel('Excel').check();
  await page.getByRole('button', { name: '生成下载链接' }).click();
  const xlsxLink = page.locator('[data-test=download-xlsx]');
  await xlsxLink.waitFor();
  const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), xlsxLink.click()]);
  const xlsx = readFileSync(await xlsxDownload.path());
  assert.equal(xlsx.subarray(0, 2).toString('latin1'), 'PK');
  assert.match(xlsxDownload.suggestedFilename(), /\.xlsx$/);
  assert.ok(xlsx.length > 1000);
  await page.close();
});

test('the form prevents what the server would refuse, and shows what the server says', async () => {
  const page = await live.browser.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(page, live.server.url, 'official');
  await page.goto(live.server.url + '/reports');

  // The benefit report comes on screen only.
  await page.getByLabel('报表', { exact: true }).selectOption('benefit');
  assert.equal(await page.getByLabel('CSV').isDisabled(), true);
  assert.equal(await page.getByLabel('Excel').isDisabled(), true);

  // The trend takes years from and to, not a year, and from cannot come after to.
  await page.getByLabel('报表', { exact: true }).selectOption('trend');
  assert.equal(await page.getByLabel('年份', { exact: true }).count(), 0);
  const options = await page.getByLabel('起始年份').locator('option').allInnerTexts();
  const years = options.map(Number).filter((n) => n > 0);
  await page.getByLabel('起始年份').selectOption(String(years[years.length - 1]));
  await page.getByLabel('截止年份').selectOption(String(years[0]));
  await page.getByRole('button', { name: '显示报表' }).click();
  await page.locator('#report-from-error').filter({ hasText: '起始年份' }).waitFor();
  assert.equal(await page.locator('[data-test=report]').count(), 0);

  // A trend in the right order is the command's.
  await page.getByLabel('起始年份').selectOption(String(years[0]));
  await page.getByLabel('截止年份').selectOption(String(years[years.length - 1]));
  await page.getByLabel('指标').selectOption('poor_people');
  await page.getByRole('button', { name: '显示报表' }).click();
  const rows = page.locator('[data-test=report-table] tbody tr');
  await rows.first().waitFor();
  const trend = JSON.parse(fupin(live.server.env, ['report', 'trend', '--db', live.server.db, '--format', 'json',
    '--indicator', 'poor_people', '--from', String(years[0]), '--to', String(years[years.length - 1])]));
  assert.equal(await rows.count(), trend.rows.length);
  for (let i = 0; i < trend.rows.length; i++) {
    const value = (await rows.nth(i).locator('td[data-col=value]').innerText()).trim();
    assert.ok(sameShown(value, trend.rows[i].value, 'decimal'), `trend ${trend.rows[i].year}`);
  }
  await screenshot(page, 'reports-trend-360');

  // A shared link to a region outside the grant: the server refuses, and its sentence is shown.
  await signIn(page, live.server.url, 'county');
  await page.goto(live.server.url + '/reports?report=poverty&region=622901000000');
  const said = await page.evaluate(async () => {
    const r = await fetch('/api/v1/reports/poverty?region=622901000000');
    return { status: r.status, message: (await r.json()).error.message };
  });
  assert.equal(said.status, 403);
  await page.locator('[data-test=report-error]').filter({ hasText: said.message }).waitFor();
  assert.equal(await page.locator('[data-test=report]').count(), 0);
  await screenshot(page, 'reports-server-error-360');
  await page.close();
});
