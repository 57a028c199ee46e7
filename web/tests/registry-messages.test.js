// The registry's and the reports' messages: the same keys in Chinese and
// English, and every literal key the pages and components use exists.
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import registry from '../src/locales/pages/registry.js';
import reports from '../src/locales/pages/reports.js';

function keys(o, prefix = '') {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, prefix + k + '.') : [prefix + k]));
}

const src = join(import.meta.dirname, '../src');
const files = [
  join(src, 'pages/Registry.vue'),
  join(src, 'pages/Reports.vue'),
  ...readdirSync(join(src, 'components/registry')).map((f) => join(src, 'components/registry', f)),
  ...readdirSync(join(src, 'components/reports')).map((f) => join(src, 'components/reports', f)),
];

describe('messages', () => {
  for (const [name, mod] of [['registry', registry], ['reports', reports]]) {
    test(`${name}: every key in both languages`, () => {
      expect(keys(mod.en).sort()).toEqual(keys(mod.zh).sort());
      expect(keys(mod.zh).length).toBeGreaterThan(20);
    });
  }
  test('every literal key used exists', () => {
    const known = new Set([...keys(registry.zh), ...keys(reports.zh)]);
    const used = new Set();
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('((?:registry|reports)\.[A-Za-z0-9_.-]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(30);
    // A key built at run time ('registry.status.' + s) must name a group of messages.
    const missing = [...used].filter((k) => (k.endsWith('.') ? ![...known].some((n) => n.startsWith(k)) : !known.has(k)));
    expect(missing).toEqual([]);
  });
});
