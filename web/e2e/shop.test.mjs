// The storefront and the buyer's orders against the real server: browsing and
// filtering, a product's page, the cart, checkout with the test payment and
// the stock it takes, a reload and retried checkouts that place one order
// only, a stock shortage shown on its line, and an institution accepting a
// delivery and rating its supplier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, crc32 } from 'node:zlib';
import { PASSWORD, screenshot, signIn, useServerAndBrowser } from './harness.mjs';

const live = useServerAndBrowser();

// A session of the API outside the browser, for setting up and checking.
async function apiAs(username) {
  const r = await fetch(live.server.url + '/api/v1/session', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }),
  });
  assert.equal(r.status, 200, 'sign in ' + username);
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await r.json();
  async function call(method, path, body, headers = {}) {
    const init = { method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...headers } };
    if (body !== undefined) {
      if (body instanceof Uint8Array) {
        init.body = body;
      } else {
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
    }
    const res = await fetch(live.server.url + '/api/v1' + path, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }
  return { get: (p) => call('GET', p), post: (p, b = {}, h) => call('POST', p, b, h) };
}

async function publicGet(path) {
  const res = await fetch(live.server.url + '/api/v1' + path);
  assert.equal(res.status, 200, path);
  return res.json();
}

// Every item of a paged list.
async function all(get, path) {
  const items = [];
  let cursor = '';
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(`${path}${sep}limit=200${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`);
    items.push(...page.items);
    if (!page.next_cursor) return items;
    cursor = page.next_cursor;
  }
}
const catalogue = (query = '') => all(publicGet, '/products' + query);
const ordersOf = (session) => all(async (p) => (await session.get(p)).body, '/orders');
async function saleableOf(id) {
  return (await catalogue()).find((p) => p.id === id).saleable;
}

const yuan = (fen) => '¥' + new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(fen / 100);

// A small PNG of one colour, made here: the photo a supplier uploads.
function png(width, height) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([0x2f, 0x80, 0x4a]))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]));
}

// The product ids the page lists, in order.
async function listedIds(page) {
  return page.locator('[data-product]').evaluateAll((els) => els.map((e) => Number(e.dataset.product)));
}
async function waitForList(page, ids) {
  await page.waitForFunction((want) => {
    const got = [...document.querySelectorAll('[data-product]')].map((e) => Number(e.dataset.product));
    return document.querySelector('[data-test=list-status]')?.textContent.trim() === ''
      && JSON.stringify(got) === JSON.stringify(want);
  }, ids);
}

async function freshPage(user, options) {
  const page = await live.browser.newPage(options);
  await signIn(page, live.server.url, user);
  await page.evaluate(() => localStorage.clear());
  return page;
}

async function fillAddress(page) {
  await page.getByLabel('收货人姓名').fill('测试买家');
  await page.getByLabel('联系电话').fill('13900000000');
  await page.getByLabel('收货地址').fill('甘肃省兰州市城关区测试路 8 号');
}

test('a buyer browses, filters, opens a product, orders and pays; the stock drops by the quantity ordered', async () => {
  // A photo for one product, uploaded by its supplier, shows on its card.
  const supplier = await apiAs('supplier');
  const own = (await supplier.get('/suppliers')).body.items[0];
  const withPhoto = (await catalogue(`?supplier=${own.id}`))[0];
  const upload = await supplier.post(`/products/${withPhoto.id}/photos`, png(16, 10), { 'Content-Type': 'image/png' });
  assert.equal(upload.status, 201, JSON.stringify(upload.body));

  // The product to buy: in stock in Dongxiang, with its category, township and village.
  const DONGXIANG = '622926000000';
  const inCounty = await catalogue(`?region=${DONGXIANG}&in_stock=true`);
  const target = inCounty.find((p) => p.saleable >= 10);
  assert.ok(target, 'a Dongxiang product in stock');
  const byCategory = await catalogue(`?region=${DONGXIANG}&in_stock=true&category=${encodeURIComponent(target.category)}`);
  const village = target.origin.code;
  const township = village.slice(0, 9) + '000';
  const byVillage = await catalogue(`?region=${village}&in_stock=true&category=${encodeURIComponent(target.category)}`);
  const buyer = await apiAs('buyer');
  const place = (await buyer.get('/regions/' + village)).body;
  const townshipName = place.ancestors.find((a) => a.level === 'township').name;
  const ordersBefore = (await ordersOf(buyer)).length;
  const saleableBefore = target.saleable;

  const page = await freshPage('buyer');
  assert.equal(new URL(page.url()).pathname, '/shop');
  await page.locator('[data-product]').first().waitFor();
  const card = page.locator(`[data-product="${withPhoto.id}"] img`);
  assert.equal(await card.getAttribute('loading'), 'lazy');
  assert.equal(await card.getAttribute('src'), upload.body.url);
  await page.waitForFunction((id) => document.querySelector(`[data-product="${id}"] img`)?.naturalWidth === 16, withPhoto.id);
  await screenshot(page, 'shop-01-browse');

  await page.getByLabel('县市', { exact: true }).selectOption(DONGXIANG);
  await page.getByLabel('只看有货').check();
  await page.getByLabel('品类', { exact: true }).selectOption(target.category);
  await waitForList(page, byCategory.map((p) => p.id));
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('county'), DONGXIANG);
  assert.equal(url.searchParams.get('in_stock'), '1');
  await page.getByLabel('乡镇', { exact: true }).selectOption(township);
  await page.getByLabel('村', { exact: true }).selectOption(village);
  await waitForList(page, byVillage.map((p) => p.id));
  assert.ok((await listedIds(page)).includes(target.id));
  const cardText = await page.locator(`[data-product="${target.id}"]`).innerText();
  assert.ok(cardText.includes(yuan(target.price_fen)), cardText);
  assert.ok(cardText.includes(`现可售 ${target.saleable} ${target.unit}`), cardText);
  assert.ok(cardText.includes(target.origin.name), cardText);
  await screenshot(page, 'shop-02-filtered');

  await page.locator('#product-link-' + target.id).click();
  await page.locator('#product-title').filter({ hasText: target.name }).waitFor();
  assert.equal(new URL(page.url()).searchParams.get('product'), String(target.id));
  await page.locator('[data-test=detail-saleable]').filter({ hasText: String(saleableBefore) }).waitFor();
  await page.locator('[data-test=origin]').filter({ hasText: townshipName }).waitFor();
  const origin = await page.locator('[data-test=origin]').innerText();
  assert.ok(origin.includes(target.origin.name) && origin.includes('东乡族自治县'), origin);
  const supplierText = await page.locator('[data-test=supplier]').innerText();
  assert.equal(supplierText, target.supplier_name ?? '一户农户');
  await screenshot(page, 'shop-03-product');

  const quantity = 3;
  await page.locator('#detail-qty').fill(String(quantity));
  await page.locator('#detail-qty').press('Tab');
  await page.locator('[data-test=add-to-cart]').click();
  await page.getByRole('status').filter({ hasText: '加入购物车' }).waitFor();
  await page.getByRole('link', { name: '查看购物车' }).first().click();
  await page.locator(`[data-line="${target.id}"]`).waitFor();
  assert.equal(await page.locator(`#qty-${target.id}`).inputValue(), String(quantity));
  assert.equal((await page.locator('[data-test=cart-total]').innerText()).replace(/\s/g, ''), '合计' + yuan(quantity * target.price_fen));

  // A missing name is refused before anything is sent, naming the field.
  await page.getByLabel('收货人姓名').fill('');
  await page.locator('[data-test=place-order]').click();
  await page.getByText('请填写收货人姓名。').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ship-name');
  assert.equal((await ordersOf(buyer)).length, ordersBefore);
  await fillAddress(page);
  await screenshot(page, 'shop-04-cart');

  await page.locator('[data-test=place-order]').click();
  await page.waitForURL((u) => u.pathname === '/orders' && u.searchParams.has('order'));
  const orderId = Number(new URL(page.url()).searchParams.get('order'));
  await page.locator('article.order-detail [data-test=order-state]').filter({ hasText: '已支付' }).waitFor();
  await page.locator('[data-test=placed-notice]').waitFor();
  await screenshot(page, 'shop-05-order-paid');

  const order = (await buyer.get('/orders/' + orderId)).body;
  assert.equal(order.state, 'paid');
  assert.deepEqual(order.lines.map((l) => [l.product_id, l.quantity]), [[target.id, quantity]]);
  assert.equal(order.total_fen, quantity * target.price_fen);
  assert.equal(await saleableOf(target.id), saleableBefore - quantity);
  assert.equal((await ordersOf(buyer)).length, ordersBefore + 1);

  await page.getByRole('link', { name: '返回订单列表' }).click();
  const row = page.locator(`[data-order="${orderId}"]`);
  await row.waitFor();
  assert.equal(await page.locator('[data-order]').first().getAttribute('data-order'), String(orderId), 'newest first');
  assert.ok((await row.innerText()).includes('已支付'));
  assert.ok((await row.innerText()).includes(yuan(order.total_fen)));
  await screenshot(page, 'shop-06-orders');

  // The cart holds nothing of what was ordered.
  await page.goto(live.server.url + '/shop?view=cart');
  await page.locator('[data-test=cart-empty]').waitFor();

  // On a phone: nothing wider than the screen.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(live.server.url + '/shop');
  await page.locator('[data-product]').first().waitFor();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');
  await screenshot(page, 'shop-07-phone-360');
  await page.close();
});

test('a reload keeps the cart, and retried checkouts place one order each', async () => {
  const buyer = await apiAs('buyer');
  const products = (await catalogue('?in_stock=true')).filter((p) => p.saleable >= 5);
  const [first, second] = products;
  const before = (await ordersOf(buyer)).length;

  const page = await freshPage('buyer');
  await page.goto(`${live.server.url}/shop?product=${first.id}`);
  await page.locator('#detail-qty').fill('2');
  await page.locator('#detail-qty').press('Tab');
  await page.locator('[data-test=add-to-cart]').click();
  await page.goto(live.server.url + '/shop?view=cart');
  await page.locator(`[data-line="${first.id}"]`).waitFor();
  await fillAddress(page);
  await page.reload();
  await page.locator(`[data-line="${first.id}"]`).waitFor();
  assert.equal(await page.locator(`#qty-${first.id}`).inputValue(), '2');
  assert.equal(await page.getByLabel('收货人姓名').inputValue(), '测试买家');
  await screenshot(page, 'shop-08-cart-after-reload');

  // The order reaches the server but its answer is lost on the way back.
  const keys = [];
  await page.route('**/api/v1/orders', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push(route.request().headers()['idempotency-key']);
    const answer = await route.fetch();
    assert.equal(answer.status(), 201);
    await route.abort('connectionreset');
  });
  await page.locator('[data-test=place-order]').click();
  await page.locator('[data-test=checkout-error]').filter({ hasText: '网络中断' }).waitFor();
  assert.equal((await ordersOf(buyer)).length, before + 1, 'the lost answer placed the order');
  await screenshot(page, 'shop-09-answer-lost');
  await page.unroute('**/api/v1/orders');

  const retried = page.waitForResponse((r) => r.url().endsWith('/api/v1/orders') && r.request().method() === 'POST');
  await page.locator('[data-test=place-order]').click();
  const answer = await retried;
  assert.equal(answer.status(), 201);
  assert.equal(answer.headers()['idempotent-replayed'], 'true');
  assert.equal(answer.request().headers()['idempotency-key'], keys[0]);
  await page.waitForURL((u) => u.pathname === '/orders');
  await page.locator('article.order-detail [data-test=order-state]').filter({ hasText: '已支付' }).waitFor();
  assert.equal((await ordersOf(buyer)).length, before + 1, 'the retry placed no second order');

  // Offline when pressing the button, then back: one order.
  await page.goto(`${live.server.url}/shop?product=${second.id}`);
  await page.locator('[data-test=add-to-cart]').click();
  await page.goto(live.server.url + '/shop?view=cart');
  await page.locator(`[data-line="${second.id}"]`).waitFor();
  await page.context().setOffline(true);
  await page.locator('[data-test=place-order]').click();
  await page.locator('[data-test=checkout-error]').filter({ hasText: '网络中断' }).waitFor();
  await page.context().setOffline(false);
  await page.locator('[data-test=place-order]').click();
  await page.waitForURL((u) => u.pathname === '/orders');
  await page.locator('article.order-detail [data-test=order-state]').filter({ hasText: '已支付' }).waitFor();
  const orders = await ordersOf(buyer);
  assert.equal(orders.length, before + 2);
  assert.deepEqual(orders[0].lines.map((l) => [l.product_id, l.quantity]), [[second.id, 1]]);
  assert.deepEqual(orders[1].lines.map((l) => [l.product_id, l.quantity]), [[first.id, 2]]);
  await page.close();
});

test('a stock shortage is shown on the line it concerns, and nothing is ordered', async () => {
  const buyer = await apiAs('buyer');
  const product = (await catalogue('?in_stock=true')).find((p) => p.saleable >= 4);
  const page = await freshPage('buyer');
  await page.goto(`${live.server.url}/shop?product=${product.id}`);
  await page.locator('#detail-qty').fill('3');
  await page.locator('#detail-qty').press('Tab');
  await page.locator('[data-test=add-to-cart]').click();
  await page.goto(live.server.url + '/shop?view=cart');
  await page.locator(`[data-line="${product.id}"]`).waitFor();
  await fillAddress(page);

  // Another order takes all but one unit meanwhile.
  const now = await saleableOf(product.id);
  const other = await buyer.post('/orders', { lines: [{ product_id: product.id, quantity: now - 1 }],
    ship_to: { name: '另一位', phone: '13700000000', address: '临夏市' } }, { 'Idempotency-Key': 'e2e-take-' + product.id });
  assert.equal(other.status, 201);
  const before = (await ordersOf(buyer)).length;

  await page.locator('[data-test=place-order]').click();
  const lineError = page.locator(`[data-line="${product.id}"] [data-test=line-error]`);
  await lineError.waitFor();
  assert.match(await lineError.innerText(), /3 ordered, 1 can be sold now/);
  assert.equal(await page.locator(`#qty-${product.id}`).getAttribute('aria-invalid'), 'true');
  assert.equal((await ordersOf(buyer)).length, before);
  await screenshot(page, 'shop-10-stock-short');
  await page.close();
});

test('an institution accepts a delivered order with invoice and inspection note, and rates the supplier', async () => {
  const admin = await apiAs('admin');
  const canteen = await apiAs('canteen');
  let orders = await ordersOf(canteen);
  let order = orders.find((o) => o.state === 'delivered') || orders.find((o) => ['paid', 'packed', 'shipped'].includes(o.state));
  if (!order) {
    const product = (await catalogue('?in_stock=true'))[0];
    const placed = await canteen.post('/orders', { lines: [{ product_id: product.id, quantity: 1 }],
      ship_to: { name: '食堂', phone: '0930-2000001', address: '临夏市' } }, { 'Idempotency-Key': 'e2e-canteen' });
    order = (await canteen.post(`/orders/${placed.body.id}/pay`, { provider: 'test' })).body;
  }
  // Pack, ship and deliver it as the platform.
  if (order.state === 'paid') order = (await admin.post(`/orders/${order.id}/pack`)).body;
  if (order.state === 'packed') order = (await admin.post(`/orders/${order.id}/ship`, { tracking_no: 'E2E' + order.id })).body;
  if (order.state === 'shipped') order = (await admin.post(`/orders/${order.id}/deliver`)).body;
  assert.equal(order.state, 'delivered');
  assert.notEqual(order.institution_id, null);

  const page = await freshPage('canteen', { viewport: { width: 360, height: 740 } });
  await page.goto(live.server.url + '/orders');
  await page.locator(`[data-order="${order.id}"] a`).click();
  await page.locator('article.order-detail [data-test=order-state]').filter({ hasText: '已送达' }).waitFor();

  await page.locator('[data-test=accept]').click();
  await page.getByText('请填写发票号：单位采购订单验收时必须填写。').waitFor();
  await page.getByText('请填写验收记录：单位采购订单验收时必须填写。').waitFor();
  assert.equal((await canteen.get('/orders/' + order.id)).body.state, 'delivered');
  await screenshot(page, 'shop-11-accept-needs-invoice');

  const invoice = 'FP-E2E-' + order.id;
  await page.getByLabel('发票号').fill(invoice);
  await page.getByLabel('验收记录').fill('数量、品质与发票相符，验收合格。');
  await page.locator('[data-test=accept]').click();
  await page.locator('article.order-detail [data-test=order-state]').filter({ hasText: '已验收' }).waitFor();
  await page.locator('[data-test=invoice]').filter({ hasText: invoice }).waitFor();
  const accepted = (await canteen.get('/orders/' + order.id)).body;
  assert.equal(accepted.state, 'accepted');
  assert.equal(accepted.invoice_no, invoice);
  assert.equal(accepted.inspection_note, '数量、品质与发票相符，验收合格。');

  const supplierId = accepted.lines[0].supplier_id;
  const form = page.locator(`form.rate[data-supplier="${supplierId}"]`);
  await form.getByRole('button', { name: '提交评价' }).click();
  await form.getByText('请选择 1 到 5 星的评分。').waitFor();
  await form.locator(`label[for="rate-${supplierId}-stars-4"]`).click();
  await form.getByLabel('评价内容（选填）').fill('新鲜，准时送达。');
  await form.getByRole('button', { name: '提交评价' }).click();
  await form.locator('[data-test=rated]').filter({ hasText: '已评价 4 星' }).waitFor();
  const again = await canteen.post(`/orders/${order.id}/ratings`, { supplier_id: supplierId, stars: 1 });
  assert.equal(again.status, 409, 'the rating was stored: a second one is refused');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');
  await screenshot(page, 'shop-12-canteen-accepted-rated-360');
  await page.close();
});

test('a visitor is sent to sign in and back to the cart; a supplier is told it cannot buy', async () => {
  const product = (await catalogue('?in_stock=true'))[0];
  await live.browser.context.clearCookies();
  const page = await live.browser.newPage({ viewport: { width: 360, height: 740 } });
  await page.goto(`${live.server.url}/shop?product=${product.id}`);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.locator('[data-test=add-to-cart]').click();
  await page.getByRole('link', { name: '查看购物车' }).first().click();
  await page.getByRole('link', { name: '登录后结算' }).click();
  await page.waitForURL((u) => u.pathname === '/sign-in');
  assert.equal(new URL(page.url()).searchParams.get('next'), '/shop?view=cart');
  await page.getByLabel(/用户名/).fill('buyer');
  await page.getByLabel(/密码/).fill(PASSWORD);
  await page.getByRole('button', { name: /登录/ }).click();
  await page.waitForURL((u) => u.pathname === '/shop' && u.searchParams.get('view') === 'cart');
  await page.locator(`[data-line="${product.id}"]`).waitFor();
  await page.locator('[data-test=place-order]').waitFor();

  // The same cart in English.
  await page.getByRole('button', { name: '切换语言' }).click();
  await page.getByRole('heading', { name: 'Cart' }).waitFor();
  await page.getByRole('button', { name: 'Place the order and pay' }).waitFor();
  await screenshot(page, 'shop-13-cart-english-360');
  await page.getByRole('button', { name: 'Switch language' }).click();

  await signIn(page, live.server.url, 'supplier');
  await page.goto(live.server.url + '/shop?view=cart');
  await page.locator('[data-test=checkout-role]').filter({ hasText: '供货方' }).waitFor();
  assert.equal(await page.locator('[data-test=place-order]').count(), 0);
  await screenshot(page, 'shop-14-supplier-cannot-buy');
  await page.evaluate(() => localStorage.clear());
  await page.close();
});

test('a buyer pays one placed order and cancels another from the orders page', async () => {
  const buyer = await apiAs('buyer');
  const product = (await catalogue('?in_stock=true')).find((p) => p.saleable >= 4);
  const shipTo = { name: '测试买家', phone: '13900000000', address: '临夏市' };
  const toPay = (await buyer.post('/orders', { lines: [{ product_id: product.id, quantity: 1 }], ship_to: shipTo },
    { 'Idempotency-Key': 'e2e-pay-' + product.id })).body;
  const toCancel = (await buyer.post('/orders', { lines: [{ product_id: product.id, quantity: 2 }], ship_to: shipTo },
    { 'Idempotency-Key': 'e2e-cancel-' + product.id })).body;
  assert.equal(toPay.state, 'placed');
  const saleable = await saleableOf(product.id);

  const page = await freshPage('buyer');
  await page.goto(`${live.server.url}/orders?order=${toPay.id}`);
  const state = page.locator('article.order-detail [data-test=order-state]');
  await state.filter({ hasText: '待支付' }).waitFor();
  await page.locator('[data-test=pay]').click();
  await state.filter({ hasText: '已支付' }).waitFor();
  assert.equal((await buyer.get('/orders/' + toPay.id)).body.state, 'paid');

  await page.goto(`${live.server.url}/orders?order=${toCancel.id}`);
  await state.filter({ hasText: '待支付' }).waitFor();
  await page.getByRole('button', { name: '取消订单' }).click();
  await page.getByLabel('取消原因（选填）').fill('地址填错了');
  await page.locator('[data-test=cancel]').click();
  await state.filter({ hasText: '已取消' }).waitFor();
  await page.locator('.history').filter({ hasText: '地址填错了' }).waitFor();
  assert.equal((await buyer.get('/orders/' + toCancel.id)).body.state, 'cancelled');
  assert.equal(await saleableOf(product.id), saleable + 2, 'the cancelled units are on sale again');
  await screenshot(page, 'shop-15-order-cancelled');
  await page.close();
});
