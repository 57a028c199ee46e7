import { describe, expect, test } from 'vitest';
import { buildChange, changeEntries, fenToYuan, formFromYear, joinNeeds, parseNeeds, yuanToFen }
  from '../src/lib/registry-change.js';

const row = { year: 2020, status: 'not_poor', income_per_capita_fen: 1113600, members: 7, exit_year: null,
  monitor_kind: null, needs_unmet: '' };

describe('amounts', () => {
  test('yuan to fen and back, at most two decimals, never negative', () => {
    expect(yuanToFen('1234.5')).toBe(123450);
    expect(yuanToFen(' 0 ')).toBe(0);
    expect(yuanToFen('7.05')).toBe(705);
    expect(yuanToFen('1.234')).toBeNaN();
    expect(yuanToFen('-3')).toBeNaN();
    expect(yuanToFen('1,000')).toBeNaN();
    expect(yuanToFen('')).toBeNaN();
    expect(fenToYuan(123450)).toBe('1234.50');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(null)).toBe('');
  });
});

describe('basic needs', () => {
  test('kept in the registry order whatever the order given', () => {
    expect(joinNeeds(['water', 'food', 'water'])).toBe('food;water');
    expect(joinNeeds([])).toBe('');
    expect(parseNeeds('water;food;bogus')).toEqual(['food', 'water']);
    expect(parseNeeds('')).toEqual([]);
  });
});

describe('a change request from the form', () => {
  test('sends only the fields that changed, with the year and the reason', () => {
    const form = { ...formFromYear(row), income: '12000', reason: ' 2020 income survey ' };
    const { body, errors } = buildChange(form, row);
    expect(errors).toEqual({});
    expect(body).toEqual({ year: 2020, income_per_capita_fen: 1200000, reason: '2020 income survey' });
  });
  test('a form left as it was changes nothing', () => {
    const { errors } = buildChange({ ...formFromYear(row), reason: 'x' }, row);
    expect(errors).toEqual({ body: { key: 'nothing' } });
  });
  test('each bad value is named by its field', () => {
    const form = { ...formFromYear(row), income: '12.345', exit_year: '20x0', reason: '   ' };
    const { errors } = buildChange(form, row);
    expect(Object.keys(errors).sort()).toEqual(['exit_year', 'income_per_capita_fen', 'reason']);
    expect(errors.reason.key).toBe('reasonMissing');
  });
  test('a reason longer than 2000 bytes is refused (Chinese counts three bytes a character)', () => {
    const form = { ...formFromYear(row), income: '1', reason: '因'.repeat(667) };
    expect(buildChange(form, row).errors.reason.key).toBe('reasonLong');
    expect(buildChange({ ...form, reason: '因'.repeat(666) }, row).errors).toEqual({});
  });
  test('a monitored household needs its kind, sent with the new status', () => {
    const form = { ...formFromYear(row), status: 'monitored', reason: 'illness' };
    expect(buildChange(form, row).errors).toEqual({ monitor_kind: { key: 'monitorKindMissing' } });
    const { body, errors } = buildChange({ ...form, monitor_kind: 'sudden_hardship' }, row);
    expect(errors).toEqual({});
    expect(body).toEqual({ year: 2020, status: 'monitored', monitor_kind: 'sudden_hardship', reason: 'illness' });
  });
  test('a monitor kind is not sent for a household that is not monitored', () => {
    const form = { ...formFromYear(row), monitor_kind: 'marginal', needs: ['water', 'food'], reason: 'r' };
    expect(buildChange(form, row).body).toEqual({ year: 2020, needs_unmet: 'food;water', reason: 'r' });
  });
  test('an empty exit year keeps the one on record', () => {
    const exited = { ...row, status: 'exited', exit_year: 2017 };
    const form = { ...formFromYear(exited), exit_year: '', income: '9000', reason: 'r' };
    expect(buildChange(form, exited).body).toEqual({ year: 2020, income_per_capita_fen: 900000, reason: 'r' });
    expect(buildChange({ ...form, exit_year: '2018' }, exited).body.exit_year).toBe(2018);
  });
  test('a year the household has no row for is refused at the year', () => {
    expect(buildChange({ ...formFromYear(row), year: 2021, income: '1', reason: 'r' }, null).errors.year)
      .toEqual({ key: 'yearUnknown' });
  });
  test('the changes of a request are listed in the form order', () => {
    expect(changeEntries({ reason: 'x', income_per_capita_fen: 5, status: 'poor' }))
      .toEqual([['status', 'poor'], ['income_per_capita_fen', 5], ['reason', 'x']]);
    expect(changeEntries(null)).toEqual([]);
  });
});
