import { describe, expect, test } from 'vitest';
import { linesText, STEPS, stepBody, stepOfTab, trackingError } from '../src/lib/outlet-orders.js';

describe('the outlet\'s steps of an order', () => {
  test('paid → packed → shipped → delivered, each step starting where the one before ends', () => {
    expect(STEPS.map((s) => [s.state, s.action, s.next])).toEqual([
      ['paid', 'pack', 'packed'], ['packed', 'ship', 'shipped'], ['shipped', 'deliver', 'delivered']]);
    for (let i = 1; i < STEPS.length; i++) expect(STEPS[i].state).toBe(STEPS[i - 1].next);
    expect(stepOfTab('ship').action).toBe('ship');
    expect(stepOfTab('lot')).toBeNull();
  });
  test('only shipping sends a body: the tracking number, trimmed', () => {
    expect(stepBody(stepOfTab('pack'), 'x')).toBeUndefined();
    expect(stepBody(stepOfTab('ship'), '  YT123 ')).toEqual({ tracking_no: 'YT123' });
    expect(stepBody(stepOfTab('deliver'))).toBeUndefined();
  });
  test('a tracking number is required and at most 64 bytes', () => {
    expect(trackingError('')).toBe('tracking');
    expect(trackingError('   ')).toBe('tracking');
    expect(trackingError('YT2020')).toBeNull();
    expect(trackingError('a'.repeat(64))).toBeNull();
    expect(trackingError('a'.repeat(65))).toBe('trackingLong');
    expect(trackingError('单'.repeat(22))).toBe('trackingLong'); // 66 bytes
  });
  test('an order\'s lines in a line', () => {
    const order = { lines: [{ product_name: '东乡洋芋', quantity: 68 }, { product_name: '东乡手抓羊肉', quantity: 2 }] };
    expect(linesText(order)).toBe('东乡洋芋 × 68, 东乡手抓羊肉 × 2');
    expect(linesText({})).toBe('');
  });
});
