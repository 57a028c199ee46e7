// The end-to-end harness: a demo database built by the real `fupin demo`, the
// real `fupin serve` on it serving web/dist, and Debian's Chromium driven by
// playwright-core. Every test file starts one server and one browser
// (useServerAndBrowser).
//
// Environment: FUPIN_BIN (default ../build/fupin), E2E_OUT (screenshots;
// default ../build/e2e), CHROMIUM (default /usr/bin/chromium), E2E_SCALE
// (demo scale; default 0.02).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
export const FUPIN = resolve(process.env.FUPIN_BIN || join(here, '../../build/fupin'));
export const OUT = resolve(process.env.E2E_OUT || join(here, '../../build/e2e'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCALE = process.env.E2E_SCALE || '0.02';
const WEB = resolve(join(here, '../dist'));
export const PASSWORD = 'fupin-demo';

// Runs `fupin ARGS` on the test database and returns stdout.
export function fupin(env, args) {
  return execFileSync(FUPIN, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 << 20 });
}

// Builds the demo in a fresh folder and serves it. Returns {url, db, env, stop}.
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'fupin-e2e-'));
  const db = 'sqlite:' + join(dir, 'demo.db');
  const env = { FUPIN_REGISTRY_KEY_FILE: join(dir, 'registry.key') };
  fupin(env, ['demo', '--db', db, '--scale', SCALE, '--quiet']);
  const child = spawn(FUPIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--threads', '2', '--web', WEB,
    '--test-payments'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const url = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error('fupin serve did not start: ' + out + log)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(`http://127.0.0.1:${m[1]}`);
      }
    });
    child.on('exit', (code) => fail(new Error(`fupin serve exited (${code}): ${out}${log}`)));
  });
  return {
    url,
    db,
    env,
    dir,
    log: () => log,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((ok) => (child.exitCode !== null ? ok() : child.on('exit', ok)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Chromium with the flags this machine needs (no sandbox as root, nothing
// reaching out to the network) and a fresh profile.
export async function startBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'fupin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async newPage(options = {}) {
      const page = await context.newPage();
      if (options.viewport) await page.setViewportSize(options.viewport);
      return page;
    },
    async stop() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Signs in through the sign-in page (after clearing the browser's cookies,
// which the pages of one browser share).
export async function signIn(page, url, username) {
  await page.context().clearCookies();
  await page.goto(url + '/sign-in');
  await page.getByLabel(/用户名|User name/).fill(username);
  await page.getByLabel(/密码|Password/).fill(PASSWORD);
  await page.getByRole('button', { name: /登录|Sign in/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
}

export async function screenshot(page, name) {
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: join(OUT, name + '.png'), fullPage: true });
}

export function writeOut(name, text) {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, name), text);
}

// Starts one server and one browser before the file's tests, then runs the
// file's own `setup` (if any), and stops both after the tests. Returns
// {server, browser}, filled in once they have started. (A top-level `before`
// of node:test runs at once, so a file's setup must go here, not in a hook of
// its own.)
export function useServerAndBrowser(setup) {
  const live = { server: null, browser: null };
  before(async () => {
    live.server = await startServer();
    live.browser = await startBrowser();
    if (setup) await setup(live);
  });
  after(async () => {
    await live.browser?.stop();
    await live.server?.stop();
  });
  return live;
}
