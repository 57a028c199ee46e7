// Every message of the storefront exists in both languages, and every key the
// shop's pages and components ask for is there.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import messages from '../src/locales/pages/shop.js';

function keys(o, prefix = '') {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
function get(o, path) {
  return path.split('.').reduce((x, k) => (x && typeof x === 'object' ? x[k] : undefined), o);
}

const src = join(__dirname, '../src');
const files = [
  join(src, 'pages/Shop.vue'), join(src, 'pages/Orders.vue'),
  ...readdirSync(join(src, 'components/shop')).map((f) => join(src, 'components/shop', f)),
];

describe('shop messages', () => {
  test('Chinese and English have the same keys, none empty', () => {
    const zh = keys(messages.zh).sort();
    expect(keys(messages.en).sort()).toEqual(zh);
    for (const k of zh) {
      expect(get(messages.zh, k), k).toBeTruthy();
      expect(get(messages.en, k), k).toBeTruthy();
    }
  });
  test('the placeholders of each message are the same in both languages', () => {
    for (const k of keys(messages.zh)) {
      const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(get(messages.en, k)), k).toEqual(names(get(messages.zh, k)));
    }
  });
  test('every shop key the pages use exists', () => {
    const used = new Set();
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/t\('(shop\.[\w.]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    const partial = [...used].filter((k) => k.endsWith('.')); // keys completed at run time, e.g. 'shop.state.' + s
    for (const k of used) {
      if (partial.includes(k)) expect(typeof get(messages.zh, k.slice(0, -1)), k).toBe('object');
      else expect(get(messages.zh, k), k).toBeTypeOf('string');
    }
  });
});
