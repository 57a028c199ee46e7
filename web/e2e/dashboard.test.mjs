// Signing in as each demo role, the sign-in errors, and the dashboard against
// `fupin report poverty` on the same database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fupin, screenshot, signIn, useServerAndBrowser } from './harness.mjs';

const live = useServerAndBrowser();

// Where each demo account lands after signing in.
const LANDING = {
  admin: '/dashboard',
  official: '/dashboard',
  auditor: '/dashboard',
  registry: '/registry',
  county: '/dashboard',
  station: '/logistics',
  outlet: '/outlet',
  supplier: '/shop',
  buyer: '/shop',
  canteen: '/shop',
};

test('each demo role signs in and lands on its page', async () => {
  for (const [user, path] of Object.entries(LANDING)) {
    const page = await live.browser.newPage();
    await signIn(page, live.server.url, user);
    assert.equal(new URL(page.url()).pathname, path, user);
    await page.getByText(user + ' ·').waitFor();
    await screenshot(page, 'sign-in-' + user);
    await page.close();
  }
});

test('a wrong password is refused with a clear message, and nothing else opens', async () => {
  await live.browser.context.clearCookies();
  const page = await live.browser.newPage();
  await page.goto(live.server.url + '/dashboard');
  await page.waitForURL((u) => u.pathname === '/sign-in');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/dashboard');
  await page.getByLabel(/用户名|User name/).fill('official');
  await page.getByLabel(/密码|Password/).fill('wrong password');
  await page.getByRole('button', { name: /登录|Sign in/ }).click();
  await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/sign-in');
  await screenshot(page, 'sign-in-wrong-password');
  await page.close();
});

test('the dashboard shows the figures of fupin report poverty', async () => {
  const report = JSON.parse(fupin(live.server.env, ['report', 'poverty', '--db', live.server.db, '--format', 'json']));
  const page = await live.browser.newPage();
  await page.goto(live.server.url + '/');
  await page.waitForURL((u) => u.pathname === '/sign-in');
  await signIn(page, live.server.url, 'official');
  // The start page of a signed-in official is the dashboard.
  await page.goto(live.server.url + '/');
  await page.waitForURL((u) => u.pathname === '/dashboard');
  const table = page.locator('[data-test=poverty-table]');
  await table.locator('tbody tr').first().waitFor();
  for (const row of report.rows) {
    const tr = row.total ? table.locator('tr.total') : table.locator(`tr[data-code="${row.region_code}"]`);
    const poor = (await tr.locator('[data-col=poor_people]').innerText()).replace(/[,\s]/g, '');
    const population = (await tr.locator('[data-col=rural_population]').innerText()).replace(/[,\s]/g, '');
    assert.equal(Number(poor), row.poor_people, `${row.region_name} poor people`);
    assert.equal(Number(population), row.rural_population, `${row.region_name} rural population`);
    if (row.poverty_incidence !== null) {
      const incidence = (await tr.locator('[data-col=poverty_incidence]').innerText()).replace(/[%\s]/g, '');
      assert.equal(Number(incidence), row.poverty_incidence, `${row.region_name} incidence`);
    }
  }
  // The headline card of poverty incidence is the prefecture's.
  const total = report.rows.find((r) => r.total);
  const card = await page.locator('[data-test=card-poverty_incidence] [data-test=value]').innerText();
  assert.equal(Number(card.replace(/[%\s]/g, '')), total.poverty_incidence);
  // The map and the charts are drawn.
  assert.ok((await page.locator('canvas').count()) >= 3, 'the map and the charts have canvases');
  await screenshot(page, 'dashboard-prefecture');

  // Drill down: a county, then its townships.
  const county = report.rows.find((r) => !r.total && r.region_name === '东乡族自治县');
  await table.locator(`tr[data-code="${county.region_code}"] button`).click();
  await page.locator('[data-test=region-name]').filter({ hasText: '东乡族自治县' }).waitFor();
  const countyReport = JSON.parse(fupin(live.server.env, ['report', 'poverty', '--db', live.server.db, '--format', 'json',
    '--region', county.region_code]));
  const township = countyReport.rows.find((r) => !r.total);
  const tr = table.locator(`tr[data-code="${township.region_code}"]`);
  await tr.waitFor();
  assert.equal(Number((await tr.locator('[data-col=poor_people]').innerText()).replace(/[,\s]/g, '')),
    township.poor_people);
  await screenshot(page, 'dashboard-county');

  // On a 360 px phone nothing is wider than the screen.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.waitForTimeout(300);
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 360, 'no horizontal scrolling at 360 px');
  await screenshot(page, 'dashboard-county-360');
  await page.close();
});
