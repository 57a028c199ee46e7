// The logistics planner against the real server: plans stored by
// `fupin plan routes` (Dongxiang on 2020-12-27, every county on 2020-12-28);
// the county operator sees the facilities and the latest day's routes drawn,
// the village table equal to GET /api/v1/logistics/plans, the CSV of it,
// computes a day's plan from the page, and plans the network with K stations,
// the figures shown equal to the endpoint's answer (itself equal to
// `fupin plan network --format json`); the station operator sees its
// township's routes only (also at 360 px); an official picks a county; a
// buyer is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fupin, screenshot, signIn, useServerAndBrowser } from './harness.mjs';

const DONGXIANG = '622926000000';
const DABAN = '622926101000';
const LATEST = '2020-12-28';

const live = useServerAndBrowser(() => {
  fupin(live.server.env, ['plan', 'routes', '--db', live.server.db, '--date', '2020-12-27', '--county', DONGXIANG]);
  fupin(live.server.env, ['plan', 'routes', '--db', live.server.db, '--date', LATEST]);
});

async function apiGet(page, path) {
  const r = await page.request.get(live.server.url + path);
  assert.equal(r.status(), 200, `${path}: ${await r.text()}`);
  return r.json();
}

// Money as the page shows it ("¥1,234.56", "-¥7.15" or "¥-7.15") back to fen.
function fen(text) {
  const negative = /[-−]/.test(text);
  const digits = text.replace(/[^0-9.]/g, '');
  const [whole, cents = '00'] = digits.split('.');
  return (negative ? -1 : 1) * (Number(whole) * 100 + Number(cents.padEnd(2, '0')));
}
const number = (text) => Number(text.replace(/[^0-9.\-]/g, ''));

// How many of the map's canvases have something drawn (ECharts draws a layer per zlevel: the county
// boundaries, the routes, the stations and points, the center), once it is `expected` or after 5 s.
async function drawnLayers(page, expected) {
  const count = () => page.locator('[role=img] canvas').evaluateAll((canvases) =>
    canvases.filter((c) => {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true;
      return false;
    }).length);
  const until = Date.now() + 5000;
  let n = await count();
  while (n !== expected && Date.now() < until) {
    await new Promise((ok) => setTimeout(ok, 100));
    n = await count();
  }
  return n;
}

// The village table equals the plans' villages: codes in order, money to the fen, losing rows marked.
async function checkVillageTable(page, plans) {
  const villages = plans.flatMap((p) => p.villages);
  const table = page.locator('[data-test=economics-table]');
  await table.locator('tbody tr').first().waitFor();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    code: tr.dataset.code,
    losing: tr.classList.contains('losing'),
    cost: tr.querySelector('[data-col=cost]').textContent,
    revenue: tr.querySelector('[data-col=revenue]').textContent,
    margin: tr.querySelector('[data-col=margin]').textContent,
    perParcel: tr.querySelector('[data-col=cost_per_parcel]').textContent,
    parcels: tr.querySelector('[data-col=parcels]').textContent,
  })));
  assert.deepEqual(rows.map((r) => r.code), villages.map((v) => v.village_code));
  villages.forEach((v, i) => {
    const r = rows[i];
    assert.equal(fen(r.cost), v.cost_fen, `${v.name} cost`);
    assert.equal(fen(r.revenue), v.revenue_fen, `${v.name} revenue`);
    assert.equal(fen(r.margin), v.revenue_fen - v.cost_fen, `${v.name} margin`);
    assert.equal(fen(r.perParcel), v.cost_per_parcel_fen, `${v.name} cost per parcel`);
    assert.equal(number(r.parcels), v.parcels_in + v.parcels_out, `${v.name} parcels`);
    assert.equal(r.losing, v.cost_fen > v.revenue_fen, `${v.name} marked losing`);
  });
  return villages;
}

test('the county operator: facilities, the day\'s routes, village economics, computing a day, the network plan', async () => {
  const page = await live.browser.newPage();
  await signIn(page, live.server.url, 'county');
  await page.goto(live.server.url + '/logistics');
  // The latest day with a stored plan.
  const date = page.locator('[data-test=date]');
  await page.waitForFunction(() => document.querySelector('[data-test=date]')?.value === '2020-12-28');
  assert.equal(await date.inputValue(), LATEST);

  const { plans } = await apiGet(page, `/api/v1/logistics/plans?date=${LATEST}&region=${DONGXIANG}`);
  assert.equal(plans.length, 1);
  const villages = await checkVillageTable(page, plans);
  assert.ok(villages.some((v) => v.cost_fen > v.revenue_fen), 'some villages lose money at this scale');
  const losing = villages.filter((v) => v.cost_fen > v.revenue_fen).length;
  assert.equal(await page.locator('[data-test=economics-table] tbody tr.losing [data-test=losing]').count(), losing);

  // The facilities of the day on the map, counted; every route listed; the map drawn.
  const { items } = await apiGet(page, `/api/v1/logistics/facilities?region=${DONGXIANG}&date=${LATEST}`);
  const tiers = (tier) => items.filter((f) => f.tier === tier).length;
  const counts = await page.locator('[data-test=facility-counts]').innerText();
  assert.deepEqual(counts.match(/\d+/g).map(Number),
    [tiers('center'), tiers('station'), tiers('point'), plans[0].routes.length]);
  assert.equal(await page.locator('[data-test=route-table] tbody tr').count(), plans[0].routes.length);
  assert.equal(await page.locator('[data-test=route-table] tr[data-tier=center]').count(),
    plans[0].routes.filter((r) => r.tier === 'center').length);
  // Layers drawn: the boundaries, the routes, the stations and points, the center.
  assert.equal(await drawnLayers(page, 4), 4, 'the map draws the routes and the places');
  // The legend's check boxes switch layers from the keyboard: without the routes, their layer is empty.
  for (const layer of ['stationRoutes', 'centerRoutes']) {
    await page.locator(`[data-layer=${layer}]`).focus();
    await page.keyboard.press('Space');
  }
  assert.equal(await drawnLayers(page, 3), 3, 'the routes switched off');
  for (const layer of ['stationRoutes', 'centerRoutes']) await page.locator(`[data-layer=${layer}]`).check();
  assert.equal(await drawnLayers(page, 4), 4, 'the routes switched on again');
  assert.equal(number(await page.locator('[data-stat=routes]').innerText()), plans[0].totals.routes);
  assert.equal(fen(await page.locator('[data-stat=cost]').innerText()), plans[0].totals.cost_fen);
  await screenshot(page, 'logistics-county');

  // The CSV holds the rows shown; with the filter, the losing ones only.
  await page.locator('[data-test=only-losing]').check();
  assert.equal(await page.locator('[data-test=economics-table] tbody tr').count(), losing);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=economics-csv]').click()]);
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(csv.length, losing + 1);
  assert.deepEqual(csv.slice(1).map((l) => l.split(',')[1]),
    villages.filter((v) => v.cost_fen > v.revenue_fen).map((v) => v.village_code));
  await page.locator('[data-test=only-losing]').uncheck();

  // A day without a plan: the county operator computes it here.
  await date.fill('2020-12-26');
  await date.dispatchEvent('change');
  await page.locator('[data-test=no-plan]').waitFor();
  assert.equal(await drawnLayers(page, 3), 3, 'no routes: the routes\' layer is empty');
  await page.locator('[data-test=compute]').click();
  await page.locator('[data-test=plan-totals]').waitFor();
  assert.equal(await drawnLayers(page, 4), 4, 'the computed routes are drawn');
  const computed = await apiGet(page, `/api/v1/logistics/plans?date=2020-12-26&region=${DONGXIANG}`);
  assert.equal(computed.plans.length, 1);
  assert.equal(computed.plans[0].computed_by, 'county');
  await checkVillageTable(page, computed.plans);

  // The network plan with K = 5 stations: what is shown is the endpoint's answer.
  await page.locator('[data-test=stations]').fill('5');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/logistics/network-plans')),
    page.locator('[data-test=run-network]').click(),
  ]);
  assert.equal(response.status(), 200);
  assert.deepEqual(response.request().postDataJSON(),
    { county: DONGXIANG, stations: 5, points_radius_km: 2, time_limit_s: 2, date: '2020-12-26' });
  const answer = await response.json();
  await page.locator('[data-test=comparison]').waitFor();
  const cell = async (row, col) => page.locator(`[data-test=comparison] tr[data-row=${row}] [data-col=${col}]`).innerText();
  for (const side of ['existing', 'proposed']) {
    const m = answer[side];
    assert.equal(number(await cell('stations', side)), m.stations.length, `${side} stations`);
    assert.equal(number(await cell('points', side)), m.points.length, `${side} points`);
    assert.deepEqual((await cell('covered', side)).split('/').map(number), [m.villages_covered, m.villages]);
    assert.deepEqual((await cell('withPoint', side)).split('/').map(number), [m.villages_with_point, m.villages]);
    assert.equal(number(await cell('meanDistance', side)), Math.round(m.mean_distance_m / 10) / 100, `${side} km`);
    assert.equal(number(await cell('dayParcels', side)), Math.round(m.day_parcels_milli / 10) / 100);
    assert.equal(fen(await cell('dayCost', side)), m.day_cost_fen, `${side} day cost`);
    assert.equal(fen(await cell('costPerParcel', side)), m.cost_per_parcel_fen, `${side} cost per parcel`);
    assert.equal(number(await cell('atPoints', side)), Math.round(m.parcels_at_points_permille) / 10);
  }
  assert.equal(answer.proposed.stations.length, 5);
  // The proposed stations by name, as the region tree names them.
  const names = await Promise.all(answer.proposed.stations.map(async (c) => (await apiGet(page, '/api/v1/regions/' + c)).name));
  assert.equal(await page.locator('[data-test=proposed-stations]').innerText(), names.join('、'));
  // The endpoint answers what the command line prints for the same request (the solvers' timings aside).
  const cli = JSON.parse(fupin(live.server.env, ['plan', 'network', '--db', live.server.db, '--county', DONGXIANG, '--stations', '5',
    '--points-radius-km', '2', '--time-limit', '2', '--date', '2020-12-26', '--format', 'json']));
  for (const doc of [cli, answer]) {
    doc.station_model.seconds = 0;
    doc.point_model.seconds = 0;
  }
  assert.deepEqual(answer, cli);
  await screenshot(page, 'logistics-county-network');
  await page.close();
});

test('the station operator sees its township\'s routes only, also on a phone', async () => {
  const page = await live.browser.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(page, live.server.url, 'station');
  assert.equal(new URL(page.url()).pathname, '/logistics');
  await page.waitForFunction(() => document.querySelector('[data-test=date]')?.value === '2020-12-28');
  const { plans } = await apiGet(page, `/api/v1/logistics/plans?date=${LATEST}&region=${DABAN}`);
  const villages = await checkVillageTable(page, plans);
  assert.ok(villages.length > 0);
  assert.ok(villages.every((v) => v.township_code === DABAN));
  assert.equal(await page.locator('[data-test=scope-name]').innerText(), '达板镇');
  // Its station's routes, no center tours, no other depot.
  const depots = await page.locator('[data-test=route-table] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => `${tr.dataset.tier}:${tr.dataset.depot}`));
  assert.ok(depots.length > 0);
  assert.deepEqual([...new Set(depots)], [`station:${DABAN}`]);
  assert.equal(depots.length, plans.flatMap((p) => p.routes).length);
  // No network planning for a station; nothing wider than the page.
  assert.equal(await page.locator('[data-test=network]').count(), 0);
  assert.equal(await drawnLayers(page, 3), 3, 'the map draws the routes and the places (no center here)');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');
  await screenshot(page, 'logistics-station-360');
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, 'logistics-station');
  await page.close();
});

test('an official picks a county', async () => {
  const page = await live.browser.newPage();
  await signIn(page, live.server.url, 'official');
  await page.goto(live.server.url + '/logistics');
  const select = page.locator('[data-test=county]');
  await select.waitFor();
  const options = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
  const prefecture = await apiGet(page, '/api/v1/regions/622900000000');
  assert.deepEqual(options, prefecture.children.filter((c) => c.level === 'county').map((c) => c.code));
  await page.waitForFunction(() => document.querySelector('[data-test=date]')?.value === '2020-12-28');
  await select.selectOption(DONGXIANG);
  await page.locator('#plan-title').filter({ hasText: '东乡族自治县' }).waitFor();
  const { plans } = await apiGet(page, `/api/v1/logistics/plans?date=${LATEST}&region=${DONGXIANG}`);
  await page.locator(`[data-test=economics-table] tbody tr[data-code="${plans[0].villages[0].village_code}"]`).waitFor();
  await checkVillageTable(page, plans);
  assert.equal(await page.locator('[data-test=route-table] tbody tr').count(), plans[0].routes.length);
  // Officials read and plan the network; they do not compute the day's plans.
  assert.equal(await page.locator('[data-test=compute]').count(), 0);
  assert.equal(await page.locator('[data-test=network]').count(), 1);
  await screenshot(page, 'logistics-official');
  await page.close();
});

test('a buyer is refused, by the page and by the API', async () => {
  const page = await live.browser.newPage();
  await signIn(page, live.server.url, 'buyer');
  await page.goto(live.server.url + '/logistics');
  await page.waitForURL((u) => u.pathname === '/not-allowed');
  const { csrf_token: csrf } = await apiGet(page, '/api/v1/session');
  const r = await page.request.post(live.server.url + '/api/v1/logistics/network-plans', {
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    data: { county: DONGXIANG, stations: 5 },
  });
  assert.equal(r.status(), 403);
  assert.equal((await page.request.get(`${live.server.url}/api/v1/logistics/plans?date=${LATEST}`)).status(), 403);
  await screenshot(page, 'logistics-buyer-refused');
  await page.close();
});
