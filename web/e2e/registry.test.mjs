// The registry page against the real server: a clerk finds a village and a
// household and proposes a change, a second clerk approves it and the
// registry holds the new value; the proposer cannot decide its own request;
// a village outlet reads its own village and not another; an official sees
// identity numbers masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, signIn, useServerAndBrowser } from './harness.mjs';

const VILLAGE = '622926101201'; // 上科妥村委会, the outlet account's village (docs/DEMO.md)

const live = useServerAndBrowser();

// A call to the API from the page, with its session cookie (and the CSRF token on writes).
function call(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      const s = await (await fetch('/api/v1/session')).json();
      headers['X-CSRF-Token'] = s.csrf_token;
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch('/api/v1' + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, { method, path, body });
}

const fenOf = (text) => Math.round(Number(text.replace(/[¥,\s]/g, '')) * 100);

test('a clerk proposes, a second clerk approves, and the proposer cannot decide its own request', async () => {
  const page = await live.browser.newPage();
  await signIn(page, live.server.url, 'registry');
  assert.equal(new URL(page.url()).pathname, '/registry');

  // Find the village by name, within the grant.
  await page.getByLabel('按村名或拼音查找村').fill('上科妥');
  await page.getByRole('button', { name: '查找', exact: true }).click();
  await page.locator(`[data-test=search-results] button[data-code="${VILLAGE}"]`).click();
  await page.waitForURL((u) => u.searchParams.get('village') === VILLAGE);
  await page.locator('[data-test=village-name]').filter({ hasText: '上科妥村委会' }).waitFor();

  // The list is the server's first page of the latest year.
  const list = await call(page, 'GET', `/villages/${VILLAGE}/households`);
  assert.equal(list.status, 200);
  const rows = page.locator('[data-test=households] tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), list.body.items.length);
  const household = list.body.items.find((h) => h.year.status === 'not_poor');
  assert.ok(household, 'the first page has a household that was never poor');
  await screenshot(page, 'registry-village');

  await page.locator(`[data-test=households] tr[data-id="${household.id}"] a`).click();
  await page.waitForURL((u) => u.searchParams.get('household') === String(household.id));
  await page.locator('[data-test=head]').filter({ hasText: household.head_name }).waitFor();
  const before = (await call(page, 'GET', `/households/${household.id}`)).body;
  const year = before.years[before.years.length - 1];

  // The form names the field of a bad value, its own check and the server's.
  const form = page.locator('[data-test=change-form]');
  await form.getByRole('button', { name: '提交申请' }).click();
  await page.locator('#change-reason-error').filter({ hasText: '变更原因' }).waitFor();
  await form.getByLabel('人均纯收入（元）').fill('12.345');
  await form.getByLabel('变更原因').fill('2020 年收入调查');
  await form.getByRole('button', { name: '提交申请' }).click();
  await page.locator('#change-income_per_capita_fen-error').filter({ hasText: '人均纯收入' }).waitFor();
  // A household that was never poor has no exit year: the server refuses it and names the field.
  assert.equal(year.status, 'not_poor');
  await form.getByLabel('人均纯收入（元）').fill((year.income_per_capita_fen / 100).toFixed(2));
  await form.getByLabel('脱贫年份').fill(String(year.year));
  await form.getByRole('button', { name: '提交申请' }).click();
  const shown = page.locator('#change-exit_year-error');
  await shown.waitFor();
  assert.match(await shown.innerText(), /^脱贫年份：.*exit year/);
  assert.equal(await page.locator('#change-exit_year').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'registry-field-error');
  await form.getByLabel('脱贫年份').fill('');

  const newFen = year.income_per_capita_fen + 12345;
  await form.getByLabel('人均纯收入（元）').fill((newFen / 100).toFixed(2));
  await form.getByRole('button', { name: '提交申请' }).click();
  const proposed = page.locator('[data-test=proposed]');
  await proposed.waitFor();
  const id = Number(/#(\d+)/.exec(await proposed.innerText())[1]);
  const pending = page.locator(`[data-test=pending] [data-request="${id}"]`);
  await pending.waitFor();
  assert.equal(fenOf(await pending.locator('[data-field=income_per_capita_fen]').innerText()), newFen);
  // Its own request: no decision buttons for the proposer.
  assert.equal(await pending.locator('[data-test=approve]').count(), 0);
  await screenshot(page, 'registry-proposed');
  await page.close();

  // The second clerk approves it from the pending list.
  const reviewer = await live.browser.newPage();
  await signIn(reviewer, live.server.url, 'reviewer');
  await reviewer.goto(live.server.url + '/registry?requests=pending');
  const item = reviewer.locator(`[data-test=requests] [data-request="${id}"]`);
  await item.waitFor();
  await screenshot(reviewer, 'registry-pending-reviewer');
  await item.locator('[data-test=approve]').click();
  await reviewer.locator('[data-test=decided]').filter({ hasText: `#${id}` }).waitFor();
  assert.equal(await item.count(), 0);

  // The household's year now holds the new value, as the server says.
  await reviewer.goto(`${live.server.url}/registry?household=${household.id}`);
  const cell = reviewer.locator(`[data-test=years] tr[data-year="${year.year}"] [data-col=income]`);
  await cell.waitFor();
  const after = (await call(reviewer, 'GET', `/households/${household.id}`)).body;
  const serverFen = after.years.find((y) => y.year === year.year).income_per_capita_fen;
  assert.equal(serverFen, newFen);
  assert.equal(fenOf(await cell.innerText()), serverFen);
  assert.equal(after.change_requests.length, 0);
  await screenshot(reviewer, 'registry-approved');
  await reviewer.close();

  // The proposer sees its own new request without buttons, and the server refuses it the decision.
  const clerk = await live.browser.newPage();
  await signIn(clerk, live.server.url, 'registry');
  await clerk.goto(`${live.server.url}/registry?household=${household.id}`);
  const form2 = clerk.locator('[data-test=change-form]');
  await form2.waitFor();
  await form2.getByLabel('饮水安全').check();
  await form2.getByLabel('变更原因').fill('饮水工程未完工');
  await form2.getByRole('button', { name: '提交申请' }).click();
  const second = Number(/#(\d+)/.exec(await clerk.locator('[data-test=proposed]').innerText())[1]);
  await clerk.goto(live.server.url + '/registry?requests=pending');
  const own = clerk.locator(`[data-test=requests] [data-request="${second}"]`);
  await own.waitFor();
  assert.equal(await own.locator('[data-test=approve]').count(), 0);
  assert.equal(await own.locator('[data-test=reject]').count(), 0);
  await own.getByText('这是您提出的申请').waitFor();
  const refused = await call(clerk, 'POST', `/change-requests/${second}/approve`, {});
  assert.equal(refused.status, 403);
  await screenshot(clerk, 'registry-own-request');
  await clerk.close();
});

test("a village outlet opens its own village's registry and not another's", async () => {
  const page = await live.browser.newPage({ viewport: { width: 360, height: 740 } });
  await signIn(page, live.server.url, 'outlet');
  await page.goto(live.server.url + '/registry');
  await page.waitForURL((u) => u.searchParams.get('village') === VILLAGE);
  const rows = page.locator('[data-test=households] tbody tr');
  await rows.first().waitFor();
  const own = await call(page, 'GET', `/villages/${VILLAGE}/households`);
  assert.equal(await rows.count(), own.body.items.length);
  await screenshot(page, 'registry-outlet-own-360');

  // A village of another county (临夏市), taken from the region tree.
  const tree = await call(page, 'GET', '/regions/tree?root=622901000000&depth=3');
  const villages = [];
  const walk = (n) => (n.level === 'village' ? villages.push(n) : (n.children || []).forEach(walk));
  walk(tree.body);
  const other = villages[0];
  assert.ok(other && other.code.startsWith('622901'), 'a village of 临夏市');
  assert.equal((await call(page, 'GET', `/villages/${other.code}/households`)).status, 403);

  await page.goto(`${live.server.url}/registry?village=${other.code}`);
  const refused = page.locator('[data-test=not-allowed]');
  await refused.waitFor();
  assert.match(await refused.innerText(), /无权查看该地区/);
  assert.equal(await page.locator('[data-test=households]').count(), 0);
  assert.equal(await page.locator('[data-test=identity]').count(), 0);
  await screenshot(page, 'registry-outlet-refused-360');
  await page.close();
});

test('an official sees identity numbers masked, exactly as the server gives them', async () => {
  const page = await live.browser.newPage();
  await signIn(page, live.server.url, 'official');
  const list = await call(page, 'GET', `/villages/${VILLAGE}/households`);
  const household = list.body.items.reduce((a, b) => (b.members.length > a.members.length ? b : a));
  const detail = (await call(page, 'GET', `/households/${household.id}`)).body;
  assert.equal(detail.identity, 'masked');

  await page.goto(`${live.server.url}/registry?household=${household.id}`);
  const cells = page.locator('[data-test=members] [data-col=id_number]');
  await cells.first().waitFor();
  assert.equal(await cells.count(), detail.members.length);
  for (let i = 0; i < detail.members.length; i++) {
    const text = (await cells.nth(i).innerText()).trim();
    assert.equal(text, detail.members[i].id_number ?? '未登记');
    if (detail.members[i].id_number) assert.match(text, /\*{4,}/);
  }
  await page.locator('[data-test=identity]').filter({ hasText: '已脱敏' }).waitFor();
  // An official reads but does not propose or decide.
  assert.equal(await page.locator('[data-test=change-form]').count(), 0);
  await screenshot(page, 'registry-official-masked');
  await page.close();
});
