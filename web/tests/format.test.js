import { describe, expect, test } from 'vitest';
import { change, grouped, withUnit, yuan } from '../src/lib/format.js';

describe('format', () => {
  test('groups digits and keeps two decimals at most', () => {
    expect(grouped(1826000, 'en-US')).toBe('1,826,000');
    expect(grouped(8.9712, 'en-US')).toBe('8.97');
    expect(grouped(null)).toBe('—');
  });
  test('turns fen into yuan with two decimals', () => {
    expect(yuan(123456, 'en-US')).toBe('¥1,234.56');
    expect(yuan(5, 'en-US')).toBe('¥0.05');
    expect(yuan(undefined)).toBe('—');
  });
  test('writes a value with its unit', () => {
    expect(withUnit(8.97, '%', 'en-US')).toBe('8.97 %');
    expect(withUnit(409086, 'yuan', 'en-US')).toBe('¥409,086');
    expect(withUnit(null, '%')).toBe('—');
    expect(withUnit(24018.92, '10,000 yuan', 'zh-CN')).toBe('24,018.92 万元');
    expect(withUnit(24018.92, '10,000 yuan', 'en-US')).toBe('24,018.92 × 10,000 yuan');
    expect(withUnit(163800, 'people', 'zh-CN')).toBe('163,800 人');
  });
  test('gives the change on the year before in points for percentages', () => {
    expect(change(8.97, 10.6, '%', 'en-US')).toEqual({ text: '−1.63 pp', sign: -1 });
    expect(change(300, 100, 'people', 'en-US')).toEqual({ text: '+200', sign: 1 });
    expect(change(5, 5, '', 'en-US')).toEqual({ text: '±0', sign: 0 });
    expect(change(5, null, '')).toBeNull();
  });
});
