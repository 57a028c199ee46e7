// Accessibility basics on every page, as the role that uses it: every form
// control has a label (an accessible name), every button and link has a
// name, text has enough contrast against its background (WCAG AA: 4.5:1,
// 3:1 for large text), the page can be used from the keyboard (Tab reaches
// the controls, with a visible focus), and nothing is wider than a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { screenshot, signIn, useServerAndBrowser } from './harness.mjs';

const live = useServerAndBrowser();

// Runs in the page: the problems found, as sentences.
function audit() {
  const problems = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.name ? '[name=' + el.name + ']' : ''}`;
  const nameOf = (el) => {
    if (el.getAttribute('aria-label')) return el.getAttribute('aria-label').trim();
    const by = el.getAttribute('aria-labelledby');
    if (by) return by.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ').trim();
    if (el.labels && el.labels.length) return [...el.labels].map((l) => l.textContent).join(' ').trim();
    if (el.title) return el.title.trim();
    return (el.textContent || '').trim() || (el.querySelector('img[alt]')?.alt || '').trim();
  };
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    if (!nameOf(el)) problems.push(`${describe(el)} has no label`);
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    if (!visible(el)) continue;
    if (!nameOf(el)) problems.push(`${describe(el)} has no accessible name`);
  }
  // Contrast of text: its colour against the first opaque background behind it.
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.9)) return c;
    }
    return [255, 255, 255];
  };
  const seen = new Set();
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el) || el.closest('canvas, svg')) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const s = getComputedStyle(el);
    if (Number(s.opacity) < 1 || el.closest('[disabled], :disabled')) continue;
    const fg = rgb(s.color);
    const bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    const key = `${s.color}/${bg}`;
    if (ratio < need && !seen.has(key)) {
      seen.add(key);
      problems.push(`text "${el.textContent.trim().slice(0, 30)}" has contrast ${ratio.toFixed(2)}:1 (needs ${need}:1)`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide on a ${window.innerWidth} px screen`);
  }
  return problems;
}

// Tab through the page: the focus moves over the controls and is visible.
// Returns the controls reached and the problems seen.
async function keyboard(page) {
  const problems = [];
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  const reached = new Set();
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      return { tag: el.tagName, text: (el.textContent || el.getAttribute('aria-label') || el.id || '').trim().slice(0, 20),
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none' };
    });
    if (!info) continue;
    reached.add(info.tag + ':' + info.text);
    if (!info.outline && !info.shadow) problems.push(`the focus on ${info.tag} "${info.text}" is not visible`);
  }
  return { reached, problems };
}

const PAGES = [
  { path: '/sign-in', user: null, ready: '#username' },
  { path: '/trace/{code}', user: null, ready: '[data-test=product]', controls: 1 },
  { path: '/shop', user: 'buyer', ready: 'main h1' },
  { path: '/dashboard', user: 'official', ready: '[data-test=poverty-table] tbody tr' },
  { path: '/registry', user: 'registry', ready: 'main h1' },
  { path: '/reports', user: 'official', ready: 'main h1' },
  { path: '/logistics', user: 'county', ready: 'main h1' },
  { path: '/outlet', user: 'outlet', ready: 'main h1' },
  { path: '/orders', user: 'buyer', ready: 'main h1' },
];

for (const width of [1280, 360]) {
  test(`labels, names, contrast, keyboard and width on every page at ${width} px`, async () => {
    const code = execFileSync('sqlite3', [live.server.db.slice('sqlite:'.length), 'SELECT trace_code FROM lots ORDER BY lot_id LIMIT 1'],
      { encoding: 'utf8' }).trim();
    const failures = [];
    for (const p of PAGES) {
      const page = await live.browser.newPage({ viewport: { width, height: 800 } });
      if (p.user) await signIn(page, live.server.url, p.user);
      else await page.context().clearCookies();
      const path = p.path.replace('{code}', code);
      await page.goto(live.server.url + path);
      await page.locator(p.ready).first().waitFor();
      await page.waitForLoadState('networkidle');
      const problems = await page.evaluate(audit);
      for (const x of problems) failures.push(`${path} (${p.user || 'public'}): ${x}`);
      const { reached, problems: focus } = await keyboard(page);
      for (const x of focus) failures.push(`${path} (${p.user || 'public'}): ${x}`);
      if (reached.size < (p.controls || 3)) failures.push(`${path}: Tab reached only ${[...reached].join(', ')}`);
      await screenshot(page, `a11y-${width}-${path.split('/')[1] || 'root'}`);
      await page.close();
    }
    assert.deepEqual(failures, []);
  });
}
