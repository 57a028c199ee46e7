import { describe, expect, test } from 'vitest';
import {
  ATTEMPT_KEY, attemptKey, checkoutBlock, finishAttempt, loadDraft, placeErrorTarget, saveDraft, validateShipTo,
} from '../src/lib/shop-checkout.js';
import { productOfField } from '../src/lib/cart.js';

function memoryStorage() {
  const data = new Map();
  return { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, String(v)), removeItem: (k) => data.delete(k) };
}

describe('who may check out', () => {
  test('buyers only; a visitor signs in first', () => {
    expect(checkoutBlock(null)).toBe('signIn');
    expect(checkoutBlock({ role: 'buyer' })).toBe(null);
    expect(checkoutBlock({ role: 'supplier' })).toBe('role');
    expect(checkoutBlock({ role: 'admin' })).toBe('role');
  });
});

describe('the address', () => {
  const good = { name: '张三', phone: '13800000000', address: '甘肃省兰州市城关区 1 号' };
  test('is accepted when complete', () => {
    expect(validateShipTo(good)).toEqual({});
    expect(validateShipTo({ ...good, phone: '0930-2000001' })).toEqual({});
    expect(validateShipTo({ ...good, phone: '+86 138 0000 0000' })).toEqual({});
  });
  test('names each missing or bad field', () => {
    expect(validateShipTo({ name: ' ', phone: '', address: '' })).toEqual({
      name: 'nameRequired', phone: 'phoneRequired', address: 'addressRequired' });
    expect(validateShipTo({ ...good, phone: '1234' }).phone).toBe('phoneInvalid');
    expect(validateShipTo({ ...good, phone: 'call me' }).phone).toBe('phoneInvalid');
    expect(validateShipTo({ ...good, phone: '1'.repeat(33) }).phone).toBe('phoneInvalid');
  });
  test('counts the server limits in bytes (a Chinese character is three)', () => {
    expect(validateShipTo({ ...good, name: '张'.repeat(33) })).toEqual({});
    expect(validateShipTo({ ...good, name: '张'.repeat(34) }).name).toBe('nameTooLong');
    expect(validateShipTo({ ...good, address: '路'.repeat(167) }).address).toBe('addressTooLong');
    expect(validateShipTo({ ...good, note: 'x'.repeat(501) }).note).toBe('noteTooLong');
  });
  test('a draft survives a reload', () => {
    const s = memoryStorage();
    expect(loadDraft(s)).toEqual({ name: '', phone: '', address: '', note: '' });
    saveDraft(s, { ...good, note: '' });
    expect(loadDraft(s)).toEqual({ ...good, note: '' });
  });
});

describe('the idempotency key of a checkout', () => {
  test('is made once and sent again on every retry until confirmed', () => {
    const s = memoryStorage();
    let made = 0;
    const make = () => `key-${++made}`;
    const first = attemptKey(s, 'buyer', make);
    expect(attemptKey(s, 'buyer', make)).toBe(first);
    expect(made).toBe(1);
    finishAttempt(s);
    expect(s.getItem(ATTEMPT_KEY)).toBe(null);
    expect(attemptKey(s, 'buyer', make)).toBe('key-2');
  });
  test('is not shared with another buyer of the same browser', () => {
    const s = memoryStorage();
    const a = attemptKey(s, 'buyer', () => 'a');
    expect(attemptKey(s, 'canteen', () => 'b')).toBe('b');
    expect(a).toBe('a');
  });
});

describe('a refused order', () => {
  const body = { lines: [{ product_id: 4, quantity: 2 }, { product_id: 8, quantity: 9 }] };
  const where = (e) => placeErrorTarget(e, body, productOfField);
  test('shows a stock shortage on the line it names', () => {
    expect(where({ status: 409, field: 'lines[1].quantity' })).toEqual({ kind: 'line', productId: 8 });
    expect(where({ status: 409, field: 'lines[0].product_id' })).toEqual({ kind: 'line', productId: 4 });
  });
  test('shows an address problem on its field', () => {
    expect(where({ status: 400, field: 'ship_to.phone' })).toEqual({ kind: 'field', field: 'phone' });
    expect(where({ status: 400, field: 'note' })).toEqual({ kind: 'field', field: 'note' });
  });
  test('tells a lost answer (retry with the same key) from a used key and the rest', () => {
    expect(where({ status: 0, offline: true })).toEqual({ kind: 'offline' });
    expect(where({ status: 503 })).toEqual({ kind: 'offline' });
    expect(where({ status: 422, field: 'Idempotency-Key' })).toEqual({ kind: 'replaced' });
    expect(where({ status: 403, field: 'X-CSRF-Token' })).toEqual({ kind: 'general' });
  });
});
