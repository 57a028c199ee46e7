// The outlet console on a 360 × 740 phone screen, as the demo's `outlet`
// account: taking in a lot with its households and reading it back on the
// public trace page; a half-filled form surviving a reload; a lot submitted
// without network sent once the network is back, exactly once; an order
// packed, shipped and handed over; and an order that moved meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PASSWORD, screenshot, signIn, useServerAndBrowser } from './harness.mjs';

const PHONE = { width: 360, height: 740 };
let outletApi;
const live = useServerAndBrowser(async () => {
  outletApi = await apiAs('outlet');
});

// A session of its own for reading and preparing data through the API, beside
// the browser's.
async function apiAs(username) {
  const res = await fetch(live.server.url + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(res.status, 200, `sign-in of ${username}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrf_token: csrf } = await res.json();
  async function call(method, path, body, headers = {}) {
    const r = await fetch(live.server.url + '/api/v1' + path, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  return { get: (path) => call('GET', path), post: (path, body, headers) => call('POST', path, body, headers) };
}

async function allLots() {
  const lots = [];
  let cursor = '';
  do {
    const page = await outletApi.get('/lots?limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    lots.push(...page.items);
    cursor = page.next_cursor || '';
  } while (cursor);
  return lots;
}

// The outlet's first product as the form offers it, with its grades and the
// households its supplier may name (from the server, not from the page).
async function firstProduct(page) {
  const option = page.locator('#lot-product option:not([value=""])').first();
  await option.waitFor({ state: 'attached' });
  const id = Number(await option.getAttribute('value'));
  const product = await outletApi.get('/products/' + id);
  const links = await outletApi.get(`/suppliers/${product.supplier_id}/links`);
  const households = links.items.filter((l) => l.state === 'verified').map((l) => l.household_id);
  assert.ok(product.grades.length >= 1, 'the product has grades');
  assert.ok(households.length >= 2, 'the supplier has two verified households at least');
  return { id, name: product.name, grade: product.grades[product.grades.length - 1], households };
}

// Script errors of the pages opened, checked when a page is closed.
const pageErrors = [];
async function closeClean(page) {
  await page.close();
  assert.deepEqual(pageErrors.splice(0), [], 'no script errors');
}

async function openConsole(tab = '') {
  const page = await live.browser.newPage({ viewport: PHONE });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await signIn(page, live.server.url, 'outlet');
  assert.equal(new URL(page.url()).pathname, '/outlet');
  if (tab) await page.goto(live.server.url + '/outlet?tab=' + tab);
  return page;
}

// Fills the form but for the product (chosen already): grade, quantity,
// inspection, and the households with their shares.
async function fillLot(page, grade, quantity, shares) {
  await page.getByRole('radio', { name: grade, exact: true }).check();
  await page.getByLabel(/^批次数量/).fill(String(quantity));
  await page.getByLabel('检测项目').fill('农药残留速测');
  await page.getByRole('radio', { name: '合格', exact: true }).check();
  await page.getByLabel('检测员').fill('质检员甲');
  for (const [i, s] of shares.entries()) {
    if (i > 0) await page.getByRole('button', { name: /添加农户/ }).click();
    const select = page.locator(`#lot-hh-${i}-id`);
    await select.locator(`option[value="${s.household_id}"]`).waitFor({ state: 'attached' });
    await select.selectOption(String(s.household_id));
    await page.locator(`#lot-hh-${i}-qty`).fill(String(s.quantity));
    await page.locator(`#lot-hh-${i}-paid`).fill(s.paid);
  }
}

async function noSideScroll(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `no horizontal scrolling (${width} px)`);
}

test('the outlet takes in a lot with its households, and the public trace page shows it', async () => {
  const page = await openConsole();
  await page.locator('form[data-ready]').waitFor();
  const outlets = (await outletApi.get('/outlets')).items;
  assert.equal(await page.locator('#lot-outlet').inputValue(), String(outlets[0].id), 'the only outlet is chosen');
  const product = await firstProduct(page);
  await page.locator('#lot-product').selectOption(String(product.id));
  const shares = [
    { household_id: product.households[0], quantity: 12, paid: '14.40' },
    { household_id: product.households[1], quantity: 18, paid: '21.6' },
  ];
  // A wrong total is named before anything is sent.
  await fillLot(page, product.grade, 31, shares);
  await page.locator('[data-test=lot-submit]').click();
  const errors = page.locator('[data-test=lot-errors]');
  await errors.getByText('供货农户：各户数量合计 30，批次数量 31').waitFor();
  await screenshot(page, 'outlet-lot-sum-error');
  await page.getByLabel(/^批次数量/).fill('30');
  await noSideScroll(page);
  await screenshot(page, 'outlet-lot-filled');
  const before = (await allLots()).length;
  await page.locator('[data-test=lot-submit]').click();

  const code = (await page.locator('[data-test=trace-code]').innerText()).trim();
  assert.match(code, /^LX[0-9A-HJKMNP-TV-Z]{10}$/);
  await page.locator('img.qr').evaluate((img) => img.decode());
  await screenshot(page, 'outlet-lot-done');
  const lots = await allLots();
  assert.equal(lots.length, before + 1);
  const lot = await outletApi.get('/lots/' + lots.find((l) => l.trace_code === code).id);
  assert.equal(lot.product_id, product.id);
  assert.equal(lot.grade, product.grade);
  assert.equal(lot.quantity, 30);
  assert.deepEqual(lot.households.map((h) => [h.household_id, h.quantity, h.paid_fen]).sort((a, b) => a[0] - b[0]),
    [[shares[0].household_id, 12, 1440], [shares[1].household_id, 18, 2160]].sort((a, b) => a[0] - b[0]));
  assert.equal(await page.locator('[data-test=trace-link]').getAttribute('href'), '/trace/' + code);
  const labels = page.locator('[data-test=labels-link]');
  assert.equal(await labels.getAttribute('href'), `/api/v1/lots/${lot.id}/labels.svg?copies=24`);
  const sheet = await page.request.get(live.server.url + (await labels.getAttribute('href')));
  assert.equal(sheet.status(), 200);
  assert.match(sheet.headers()['content-type'], /image\/svg\+xml/);
  // 30 labels take two sheets: one link each.
  await page.getByLabel('标签份数').fill('30');
  assert.deepEqual(await labels.evaluateAll((as) => as.map((a) => a.getAttribute('href'))), [
    `/api/v1/lots/${lot.id}/labels.svg?copies=30&page=1`, `/api/v1/lots/${lot.id}/labels.svg?copies=30&page=2`]);
  await closeClean(page);

  // The public page, signed out.
  await live.browser.context.clearCookies();
  const visitor = await live.browser.newPage({ viewport: PHONE });
  visitor.on('pageerror', (e) => pageErrors.push(e.message));
  await visitor.goto(live.server.url + '/trace/' + code);
  await visitor.locator('[data-test=product]').waitFor();
  assert.equal(await visitor.locator('[data-test=product]').innerText(), product.name);
  assert.equal(await visitor.locator('[data-test=grade]').innerText(), product.grade);
  assert.equal(await visitor.locator('[data-test=households] strong').innerText(), String(shares.length));
  assert.equal((await visitor.request.get(live.server.url + '/api/v1/session')).status(), 401, 'nobody is signed in');
  await screenshot(visitor, 'outlet-trace-page');
  await closeClean(visitor);
});

test('a half-filled form survives a reload', async () => {
  const page = await openConsole();
  await page.locator('form[data-ready]').waitFor();
  const product = await firstProduct(page);
  await page.locator('#lot-product').selectOption(String(product.id));
  await page.getByLabel(/^批次数量/).fill('77');
  await page.getByLabel('检测项目').fill('半途草稿');
  await page.locator('#lot-hh-0-id option[value="' + product.households[0] + '"]').waitFor({ state: 'attached' });
  await page.locator('#lot-hh-0-id').selectOption(String(product.households[0]));
  await page.locator('#lot-hh-0-qty').fill('77');
  await screenshot(page, 'outlet-draft-before-reload');

  await page.reload();
  await page.locator('[data-test=draft-restored]').waitFor();
  await page.locator('form[data-ready]').waitFor();
  assert.equal(await page.locator('#lot-product').inputValue(), String(product.id));
  assert.equal(await page.getByLabel(/^批次数量/).inputValue(), '77');
  assert.equal(await page.getByLabel('检测项目').inputValue(), '半途草稿');
  assert.equal(await page.locator('#lot-hh-0-id').inputValue(), String(product.households[0]));
  assert.equal(await page.locator('#lot-hh-0-qty').inputValue(), '77');
  assert.match(await page.locator('[data-test=household-sum]').innerText(), /^各户合计 77，批次 77 kg\s*✓$/);
  await screenshot(page, 'outlet-draft-restored');

  // Starting afresh forgets it.
  await page.getByRole('button', { name: '清空重填' }).click();
  assert.equal(await page.getByLabel(/^批次数量/).inputValue(), '');
  await page.reload();
  await page.locator('form[data-ready]').waitFor();
  assert.equal(await page.locator('[data-test=draft-restored]').count(), 0);
  assert.equal(await page.getByLabel('检测项目').inputValue(), '');
  await closeClean(page);
});

test('a lot submitted offline is sent once the network is back, and only once', async () => {
  const page = await openConsole();
  await page.locator('form[data-ready]').waitFor();
  const product = await firstProduct(page);
  const before = (await allLots()).length;

  await page.context().setOffline(true);
  await page.locator('[data-test=offline]').waitFor();
  await page.locator('#lot-product').selectOption(String(product.id));
  await fillLot(page, product.grade, 25, [{ household_id: product.households[1], quantity: 25, paid: '30' }]);
  await page.locator('[data-test=lot-submit]').click();
  await page.locator('[data-test=lot-notice]').getByText('联网后会自动发送').waitFor();
  const entry = page.locator('[data-test=outbox-entry]');
  await entry.getByText('等待网络，联网后自动发送').waitFor();
  assert.equal(await page.getByLabel(/^批次数量/).inputValue(), '', 'the form is free for the next lot');
  await screenshot(page, 'outlet-offline-queued');
  assert.equal((await allLots()).length, before, 'nothing reached the server');

  await page.context().setOffline(false);
  await entry.and(page.locator('[data-state=sent]')).waitFor({ timeout: 45000 });
  const code = (await entry.locator('[data-test=outbox-code]').innerText()).trim();
  await screenshot(page, 'outlet-offline-sent');
  let lots = await allLots();
  assert.equal(lots.length, before + 1, 'exactly one new lot');
  const lot = lots.find((l) => l.trace_code === code);
  assert.ok(lot, 'the new lot is the one the page shows');
  assert.equal(lot.quantity, 25);

  // A reload does not send it again.
  await page.reload();
  await page.locator('form[data-ready]').waitFor();
  await page.locator('[data-test=outbox-entry][data-state=sent]').waitFor();
  await page.waitForTimeout(1000);
  lots = await allLots();
  assert.equal(lots.length, before + 1, 'still exactly one new lot');
  await page.getByRole('button', { name: '知道了' }).click();
  assert.equal(await page.locator('[data-test=outbox]').count(), 0);
  await closeClean(page);
});

// A paid order of the outlet's village: one the demo left, or one the buyer
// places and pays now for a product in stock at the outlet.
async function paidOrder(skip = []) {
  const paid = (await outletApi.get('/orders?state=paid&limit=200')).items.filter((o) => !skip.includes(o.id));
  if (paid.length) return paid[0];
  const buyer = await apiAs('buyer');
  const outlet = (await outletApi.get('/outlets')).items[0];
  const lot = (await allLots()).find((l) => l.outlet_id === outlet.id && l.saleable > 0);
  assert.ok(lot, 'a lot in stock at the outlet');
  const order = await buyer.post('/orders', {
    lines: [{ product_id: lot.product_id, quantity: 1 }],
    ship_to: { name: '测试收货人', phone: '13800000000', address: '临夏州测试地址 1 号' },
  }, { 'Idempotency-Key': randomBytes(16).toString('hex') });
  await buyer.post(`/orders/${order.id}/pay`, { provider: 'test' });
  return outletApi.get('/orders/' + order.id);
}

test('a paid order is packed, shipped and handed over', async () => {
  const order = await paidOrder();
  assert.equal(order.state, 'paid');
  const page = await openConsole('pack');
  const card = () => page.locator(`[data-order="${order.id}"]`);

  await card().locator('[data-test=action]').click();
  await card().getByText(`订单 #${order.id} 已经打包好了吗？`).waitFor();
  await screenshot(page, 'outlet-order-pack-confirm');
  await card().locator('[data-test=confirm]').click();
  await card().waitFor({ state: 'detached' });
  await page.locator('[data-test=orders-said]').getByText(`订单 #${order.id} 已打包`).waitFor();
  assert.equal((await outletApi.get('/orders/' + order.id)).state, 'packed');
  await screenshot(page, 'outlet-order-packed');

  await page.locator('[data-tab=ship]').click();
  await card().locator('[data-test=action]').click();
  await card().locator('[data-test=confirm]').click(); // no tracking number yet
  await card().getByText('快递单号：请填写。').waitFor();
  assert.equal((await outletApi.get('/orders/' + order.id)).state, 'packed', 'nothing was sent');
  const tracking = 'YT-E2E-' + order.id;
  await card().getByLabel('快递单号').fill(tracking);
  await screenshot(page, 'outlet-order-ship-confirm');
  await card().locator('[data-test=confirm]').click();
  await card().waitFor({ state: 'detached' });
  const shipped = await outletApi.get('/orders/' + order.id);
  assert.equal(shipped.state, 'shipped');
  assert.equal(shipped.tracking_no, tracking);

  await page.locator('[data-tab=deliver]').click();
  await card().getByText(tracking).waitFor();
  await card().locator('[data-test=action]').click();
  await screenshot(page, 'outlet-order-deliver-confirm');
  await card().locator('[data-test=confirm]').click();
  await card().waitFor({ state: 'detached' });
  await page.locator('[data-test=orders-said]').getByText(`订单 #${order.id} 已交接`).waitFor();
  assert.equal((await outletApi.get('/orders/' + order.id)).state, 'delivered');
  await noSideScroll(page);
  await screenshot(page, 'outlet-order-delivered');
  await closeClean(page);
});

test('an order that moved meanwhile shows the server\'s refusal', async () => {
  const order = await paidOrder();
  const page = await openConsole('pack');
  const card = page.locator(`[data-order="${order.id}"]`);
  await card.locator('[data-test=action]').click();
  // Someone else packs it first.
  await outletApi.post(`/orders/${order.id}/pack`);
  await card.locator('[data-test=confirm]').click();
  const error = card.locator('[data-test=order-error]');
  await error.waitFor();
  assert.match(await error.innerText(), /这单的状态已经变了.*packed/s);
  await screenshot(page, 'outlet-order-conflict');
  await card.getByRole('button', { name: '刷新' }).click();
  await card.waitFor({ state: 'detached' });
  await closeClean(page);
});
