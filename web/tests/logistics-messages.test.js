import { describe, expect, test } from 'vitest';
import zh from '../src/locales/pages/logistics.js';

describe('messages', () => {
  function keys(o, prefix = '') {
    return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, prefix + k + '.') : [prefix + k]));
  }
  test('every key in Chinese and English, none empty', () => {
    const z = keys(zh.zh);
    const e = keys(zh.en);
    expect(z.sort()).toEqual(e.sort());
    expect(z.length).toBeGreaterThan(80);
    const values = (o) => Object.values(o).flatMap((v) => (typeof v === 'object' ? values(v) : [v]));
    for (const v of [...values(zh.zh), ...values(zh.en)]) {
      expect(v.trim()).not.toBe('');
      expect(v).not.toMatch(/[|@]/); // vue-i18n's plural and link syntax
    }
  });
});
