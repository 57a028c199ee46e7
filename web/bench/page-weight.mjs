// Page weight and load time of each entry page of the web UI, measured in
// Chromium against the real `fupin serve` on a demo database:
//  - bytes transferred (compressed, headers included: the sum of Chromium's
//    encodedDataLength over every response of a first visit with an empty cache);
//  - load time on an emulated slow 3G link (Chromium's network throttling:
//    400 ms round trip, 400 kbit/s down and up): from the navigation to the
//    end of the last response, when no request follows within 1 s.
// Prints a Markdown table. Run from web/: node bench/page-weight.mjs
import { execFileSync } from 'node:child_process';
import { signIn, startBrowser, startServer } from '../e2e/harness.mjs';

const PAGES = [
  { name: 'sign-in', path: '/sign-in', user: null },
  { name: 'trace (public, from a QR code)', path: '/trace/{code}', user: null },
  { name: 'storefront', path: '/shop', user: null },
  { name: 'outlet console', path: '/outlet', user: 'outlet' },
  { name: 'dashboard', path: '/dashboard', user: 'official' },
  { name: 'registry', path: '/registry', user: 'registry' },
  { name: 'logistics planner', path: '/logistics', user: 'county' },
  { name: 'reports', path: '/reports', user: 'official' },
];
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 };

async function measure(browser, url, throttle) {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttle) await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  let bytes = 0;
  let requests = 0;
  let last = 0;
  const pending = new Set();
  cdp.on('Network.requestWillBeSent', (e) => pending.add(e.requestId));
  const done = (e) => {
    if (!pending.delete(e.requestId)) return;
    bytes += e.encodedDataLength || 0;
    requests += 1;
    last = Date.now();
  };
  cdp.on('Network.loadingFinished', done);
  cdp.on('Network.loadingFailed', (e) => pending.delete(e.requestId));
  const start = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: 120000 });
  // Quiet for a second with nothing pending: the page has what it needs.
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    if (pending.size === 0 && Date.now() - last > 1000) break;
    if (Date.now() - start > 120000) break;
  }
  await page.close();
  return { bytes, requests, seconds: (last - start) / 1000 };
}

const server = await startServer();
const browser = await startBrowser();
try {
  const rows = [];
  for (const p of PAGES) {
    let path = p.path;
    if (path.includes('{code}')) {
      const file = server.db.slice('sqlite:'.length);
      const code = execFileSync('sqlite3', [file, 'SELECT trace_code FROM lots ORDER BY lot_id LIMIT 1'], { encoding: 'utf8' }).trim();
      path = path.replace('{code}', code);
    }
    await browser.context.clearCookies();
    if (p.user) {
      const page = await browser.newPage();
      await signIn(page, server.url, p.user);
      await page.close();
    }
    const fast = await measure(browser, server.url + path, false);
    const slow = await measure(browser, server.url + path, true);
    rows.push({ ...p, path, fast, slow });
  }
  console.log('| page | signed in as | requests | transferred (compressed) | load on slow 3G |');
  console.log('|---|---|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} \`${r.path.replace(/\/trace\/.*/, '/trace/CODE')}\` | ${r.user || '—'} | ${r.fast.requests} | ` +
      `${(r.fast.bytes / 1024).toFixed(1)} KB | ${r.slow.seconds.toFixed(1)} s |`);
  }
} finally {
  await browser.stop();
  await server.stop();
}
