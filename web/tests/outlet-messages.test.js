import { describe, expect, test } from 'vitest';
import messages from '../src/locales/pages/outlet.js';
import { blankLot, validateLot } from '../src/lib/outlet-lot.js';
import { STEPS, trackingError } from '../src/lib/outlet-orders.js';

function keys(o, prefix = '') {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, prefix + k + '.') : [prefix + k]));
}
function at(o, path) {
  return path.split('.').reduce((x, k) => (x ? x[k] : undefined), o);
}

describe('the outlet console\'s messages', () => {
  test('Chinese and English have the same keys, none empty', () => {
    expect(keys(messages.en).sort()).toEqual(keys(messages.zh).sort());
    for (const lang of ['zh', 'en']) {
      for (const k of keys(messages[lang])) expect(at(messages[lang], k), `${lang} ${k}`).toMatch(/\S/);
    }
  });
  test('every check of the form and of a step has its message in both languages', () => {
    const form = blankLot('2026-12-01');
    form.grade = '优';
    form.intake_date = '2027-01-01';
    form.inspection.test = 'x'.repeat(501);
    form.inspection.inspector = 'x'.repeat(101);
    form.households = [{ household_id: 1, quantity: '1', paid: '1' }, { household_id: 1, quantity: '2', paid: 'x' },
      { household_id: 9, quantity: '', paid: '' }, { household_id: '', quantity: '1', paid: '1' }];
    const found = new Set([
      ...validateLot(form, { today: '2026-12-01', grades: ['一级'], choices: [1] }).map((e) => e.key),
      ...validateLot({ ...blankLot('2026-12-01'), households: [] }, {}).map((e) => e.key),
      ...validateLot({ ...blankLot('x'), quantity: '3', households: [{ household_id: 1, quantity: '1', paid: '0' }] }, {}).map((e) => e.key),
      trackingError(''), trackingError('x'.repeat(65)),
    ]);
    // every message of a check is used by one
    expect([...found].sort()).toEqual(Object.keys(messages.zh.outlet.err).sort());
    for (const k of found) {
      expect(messages.zh.outlet.err[k], k).toBeTruthy();
      expect(messages.en.outlet.err[k], k).toBeTruthy();
    }
    for (const s of STEPS) {
      for (const group of ['action', 'confirmButton', 'confirm', 'done', 'empty']) {
        expect(messages.zh.outlet.orders[group][s.action]).toBeTruthy();
        expect(messages.en.outlet.orders[group][s.action]).toBeTruthy();
      }
      expect(messages.en.outlet.tab[s.tab]).toBeTruthy();
    }
  });
});
