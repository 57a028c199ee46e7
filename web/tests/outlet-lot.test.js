import { describe, expect, test } from 'vitest';
import {
  beijingDate, blankLot, fromDraft, householdChoices, householdSum, inputId, labelLinks, lotBody, parseCount,
  validateLot, yuanToFen,
} from '../src/lib/outlet-lot.js';

const TODAY = '2026-12-01';

function filled() {
  return {
    outlet_id: 6,
    product_id: 1,
    grade: '一级',
    quantity: '30',
    intake_date: '2026-11-30',
    inspection: { test: ' 农药残留速测 ', result: 'pass', inspector: '张三' },
    households: [
      { household_id: 10801, quantity: '10', paid: '12.5' },
      { household_id: 10204, quantity: '20', paid: '30' },
    ],
  };
}
const ctx = { today: TODAY, grades: ['特级', '一级', '二级'], choices: [10801, 10204, 10168] };
const fields = (errors) => errors.map((e) => e.field);

describe('the date and numbers as typed on a phone', () => {
  test('today is the date in Beijing, also when UTC is still on the day before', () => {
    expect(beijingDate(new Date('2026-11-30T17:16:00Z'))).toBe('2026-12-01');
    expect(beijingDate(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
  });
  test('counts are whole and positive; full-width digits are read', () => {
    expect(parseCount('30')).toBe(30);
    expect(parseCount(' ３０ ')).toBe(30);
    expect(parseCount('0')).toBeNull();
    expect(parseCount('2.5')).toBeNull();
    expect(parseCount('-3')).toBeNull();
    expect(parseCount('100000001')).toBeNull();
    expect(parseCount('')).toBeNull();
  });
  test('yuan become whole fen without rounding errors', () => {
    expect(yuanToFen('12.5')).toBe(1250);
    expect(yuanToFen('0.07')).toBe(7);
    expect(yuanToFen('19.99')).toBe(1999);
    expect(yuanToFen('１２．３０')).toBe(1230);
    expect(yuanToFen('0')).toBe(0);
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
    expect(yuanToFen('')).toBeNull();
  });
});

describe('checking a lot before sending it', () => {
  test('a complete form passes and becomes the body the server expects', () => {
    const form = filled();
    expect(validateLot(form, ctx)).toEqual([]);
    expect(lotBody(form)).toEqual({
      product_id: 1, outlet_id: 6, quantity: 30, grade: '一级', intake_date: '2026-11-30',
      inspection: { test: '农药残留速测', result: 'pass', inspector: '张三' },
      households: [
        { household_id: 10801, quantity: 10, paid_fen: 1250 },
        { household_id: 10204, quantity: 20, paid_fen: 3000 },
      ],
    });
  });
  test('a blank form names every missing field, in the order of the form', () => {
    expect(fields(validateLot(blankLot(TODAY), ctx))).toEqual([
      'outlet_id', 'product_id', 'grade', 'quantity', 'inspection.test', 'inspection.result', 'inspection.inspector',
      'households[0].household_id', 'households[0].quantity', 'households[0].paid_fen',
    ]);
  });
  test('households that do not add up to the lot are refused, with both numbers', () => {
    const form = filled();
    form.households[1].quantity = '21';
    const errors = validateLot(form, ctx);
    expect(errors).toEqual([{ field: 'households', key: 'sum', params: { sum: 31, quantity: 30 } }]);
    expect(householdSum(form)).toBe(31);
  });
  test('the sum is not reported while a share is itself wrong', () => {
    const form = filled();
    form.households[1].quantity = 'x';
    expect(fields(validateLot(form, ctx))).toEqual(['households[1].quantity']);
  });
  test('a household twice, or one without a verified link, is named by its row', () => {
    const form = filled();
    form.households[1].household_id = 10801;
    expect(validateLot(form, ctx)).toContainEqual({ field: 'households[1].household_id', key: 'hhTwice', params: { row: 2 } });
    form.households[1].household_id = 99;
    expect(validateLot(form, ctx)).toContainEqual({ field: 'households[1].household_id', key: 'hhNotLinked', params: { row: 2 } });
    // unknown choices (still loading) leave the check to the server
    expect(validateLot(form, { ...ctx, choices: null })).toEqual([]);
  });
  test('a lot needs at least one household', () => {
    const form = filled();
    form.households = [];
    expect(fields(validateLot(form, ctx))).toEqual(['households']);
  });
  test('the grade must be one of the product\'s, the date real and not after today', () => {
    const form = filled();
    form.grade = '优';
    form.intake_date = '2026-12-02';
    expect(validateLot(form, ctx)).toEqual([
      { field: 'grade', key: 'gradeUnknown', params: { grade: '优' } },
      { field: 'intake_date', key: 'dateFuture', params: { today: TODAY } },
    ]);
    form.grade = '一级';
    form.intake_date = '2026-02-30';
    expect(fields(validateLot(form, ctx))).toEqual(['intake_date']);
  });
  test('texts longer than the server keeps are refused', () => {
    const form = filled();
    form.inspection.test = '检'.repeat(167); // 501 bytes
    form.inspection.inspector = 'a'.repeat(101);
    expect(validateLot(form, ctx).map((e) => e.key)).toEqual(['testLong', 'inspectorLong']);
  });
  test('every field has the input that shows its error, server fields included', () => {
    expect(inputId('households[3].paid_fen')).toBe('lot-hh-3-paid');
    expect(inputId('households[0].household_id')).toBe('lot-hh-0-id');
    expect(inputId('inspection.result')).toBe('lot-result');
    expect(inputId('Idempotency-Key')).toBeNull();
    for (const e of validateLot(blankLot(TODAY), ctx)) expect(inputId(e.field)).toBeTruthy();
  });
});

describe('drafts read back', () => {
  test('a saved form comes back whole; junk becomes blank fields', () => {
    expect(fromDraft(filled(), TODAY)).toEqual(filled());
    const odd = fromDraft({ outlet_id: 'x', quantity: { a: 1 }, inspection: null, households: [null, { household_id: '7' }] }, TODAY);
    expect(odd.outlet_id).toBe('');
    expect(odd.quantity).toBe('');
    expect(odd.intake_date).toBe(TODAY);
    expect(odd.inspection).toEqual({ test: '', result: '', inspector: '' });
    expect(odd.households).toEqual([{ household_id: 7, quantity: '', paid: '' }]);
    expect(fromDraft(null, TODAY)).toEqual(blankLot(TODAY));
  });
});

describe('who may supply and the labels', () => {
  test('a household supplier offers its own household first, then verified links only', () => {
    const links = [
      { household_id: 5, village_code: 'v5', channel: 'purchase', state: 'verified' },
      { household_id: 6, village_code: 'v6', channel: 'wages', state: 'declared' },
      { household_id: 1, village_code: 'v1', channel: 'purchase', state: 'verified' },
    ];
    expect(householdChoices({ kind: 'household', household_id: 1, village_code: 'v1' }, links)).toEqual([
      { household_id: 1, village_code: 'v1', channel: 'direct_sale' },
      { household_id: 5, village_code: 'v5', channel: 'purchase' },
    ]);
    expect(householdChoices({ kind: 'cooperative', household_id: null }, links).map((c) => c.household_id)).toEqual([5, 1]);
  });
  test('one link per sheet of 24 labels', () => {
    expect(labelLinks(7, 24)).toEqual([{ page: 1, href: '/api/v1/lots/7/labels.svg?copies=24' }]);
    expect(labelLinks(7, 30).map((l) => l.href)).toEqual([
      '/api/v1/lots/7/labels.svg?copies=30&page=1', '/api/v1/lots/7/labels.svg?copies=30&page=2']);
    expect(labelLinks(7, 9999)).toHaveLength(21); // at most 500 copies
    expect(labelLinks(7, '')[0].href).toBe('/api/v1/lots/7/labels.svg?copies=24');
  });
});
