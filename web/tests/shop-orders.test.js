import { describe, expect, test } from 'vitest';
import {
  ORDER_STATES, acceptanceBody, buyerActions, chinaDate, chinaTime, isInstitutional, orderUnits, replaceOrder,
  suppliersOf, validateAcceptance, validateRating,
} from '../src/lib/shop-orders.js';

const consumer = { id: 5, state: 'delivered', institution_id: null, lines: [
  { product_id: 1, product_name: '洋芋', supplier_id: 3, quantity: 2 },
  { product_id: 2, product_name: '羊肉', supplier_id: 3, quantity: 1 },
  { product_id: 9, product_name: '百合', supplier_id: 8, quantity: 4 },
  { product_id: 1, product_name: '洋芋', supplier_id: 3, quantity: 1 }] };
const canteen = { ...consumer, institution_id: 1 };

describe('what the buyer may do', () => {
  test('follows the state', () => {
    const by = Object.fromEntries(ORDER_STATES.map((s) => [s, buyerActions({ state: s })]));
    expect(by.placed).toEqual({ pay: true, cancel: true, accept: false, rate: false });
    expect(by.paid).toEqual({ pay: false, cancel: false, accept: false, rate: false });
    expect(by.shipped.accept).toBe(false);
    expect(by.delivered).toEqual({ pay: false, cancel: false, accept: true, rate: true });
    expect(by.accepted).toEqual({ pay: false, cancel: false, accept: false, rate: true });
    expect(by.cancelled.rate || by.refunded.rate).toBe(false);
    expect(buyerActions(null).pay).toBe(false);
  });
});

describe('accepting a delivery', () => {
  test('an institution gives its invoice number and an inspection note', () => {
    expect(isInstitutional(canteen)).toBe(true);
    expect(isInstitutional(consumer)).toBe(false);
    expect(validateAcceptance(canteen, {})).toEqual({ invoice_no: 'invoiceRequired', inspection_note: 'inspectionRequired' });
    expect(validateAcceptance(canteen, { invoice_no: 'FP1', inspection_note: ' ' })).toEqual({ inspection_note: 'inspectionRequired' });
    expect(validateAcceptance(canteen, { invoice_no: 'FP1', inspection_note: '合格' })).toEqual({});
  });
  test('a consumer may leave both out, within the limits', () => {
    expect(validateAcceptance(consumer, {})).toEqual({});
    expect(validateAcceptance(consumer, { invoice_no: 'x'.repeat(65) })).toEqual({ invoice_no: 'invoiceTooLong' });
    expect(validateAcceptance(consumer, { inspection_note: '检'.repeat(334) })).toEqual({ inspection_note: 'inspectionTooLong' });
  });
  test('sends only what was filled in', () => {
    expect(acceptanceBody({ invoice_no: ' FP1 ', inspection_note: '' })).toEqual({ invoice_no: 'FP1' });
    expect(acceptanceBody({})).toEqual({});
  });
});

describe('rating', () => {
  test('one entry per supplier with its products', () => {
    expect(suppliersOf(consumer)).toEqual([
      { supplier_id: 3, products: [{ product_id: 1, name: '洋芋' }, { product_id: 2, name: '羊肉' }] },
      { supplier_id: 8, products: [{ product_id: 9, name: '百合' }] }]);
  });
  test('needs 1 to 5 whole stars', () => {
    expect(validateRating({ stars: 0 })).toEqual({ stars: 'starsRequired' });
    expect(validateRating({ stars: 6 })).toEqual({ stars: 'starsRequired' });
    expect(validateRating({ stars: 2.5 })).toEqual({ stars: 'starsRequired' });
    expect(validateRating({ stars: 4, comment: '好' })).toEqual({});
    expect(validateRating({ stars: 4, comment: 'x'.repeat(1001) })).toEqual({ comment: 'commentTooLong' });
  });
});

describe('times and lists', () => {
  test('are China Standard Time', () => {
    expect(chinaTime('2020-01-12T10:26:49Z')).toBe('2020-01-12 18:26');
    expect(chinaTime('2019-12-31T17:30:00Z')).toBe('2020-01-01 01:30');
    expect(chinaDate('2019-12-31T17:30:00Z')).toBe('2020-01-01');
    expect(chinaTime(null)).toBe('');
    expect(chinaTime('nonsense')).toBe('');
  });
  test('count units and replace an updated order', () => {
    expect(orderUnits(consumer)).toBe(8);
    const list = [{ id: 4, state: 'paid' }, { id: 5, state: 'delivered' }];
    expect(replaceOrder(list, { id: 5, state: 'accepted' })).toEqual([{ id: 4, state: 'paid' }, { id: 5, state: 'accepted' }]);
  });
});
