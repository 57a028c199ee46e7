import { describe, expect, test } from 'vitest';
import { covers, levelOfCode, pathOf, withinGrant } from '../src/lib/registry-regions.js';
import { isOwnRequest } from '../src/lib/registry-self.js';
import { mayDecide, mayPropose } from '../src/lib/registry-access.js';
import { householdQuery, villageQuery, viewOf } from '../src/lib/registry-query.js';

const items = [
  { code: '622926101201', name: '上科妥村委会', level: 'village',
    ancestors: [{ name: '临夏回族自治州' }, { name: '东乡族自治县' }, { name: '达板镇' }] },
  { code: '622926101000', name: '达板镇', level: 'township' },
  { code: '622925207201', name: '某村', level: 'village' },
  { code: '622926219203', name: '大树村', level: 'village' },
];

describe('regions and grants', () => {
  test('the level of a code', () => {
    expect(levelOfCode('622900000000')).toBe('prefecture');
    expect(levelOfCode('622926000000')).toBe('county');
    expect(levelOfCode('622926101000')).toBe('township');
    expect(levelOfCode('622926101201')).toBe('village');
    expect(levelOfCode('6229')).toBeNull();
  });
  test('a grant covers its region and what lies below it, nothing else', () => {
    expect(covers('622900000000', '622901100001')).toBe(true);
    expect(covers('622926000000', '622926101201')).toBe(true);
    expect(covers('622926000000', '622925207201')).toBe(false);
    expect(covers('622926101000', '622926101201')).toBe(true);
    expect(covers('622926101000', '622926102201')).toBe(false);
    expect(covers('622926101201', '622926101201')).toBe(true);
    expect(covers('622926101201', '622926101202')).toBe(false);
    expect(covers('bad', '622926101201')).toBe(false);
  });
  test('search answers narrowed to the grant and the levels asked for', () => {
    expect(withinGrant(items, '622926000000', ['village']).map((r) => r.code)).toEqual(['622926101201', '622926219203']);
    expect(withinGrant(items, '622926101000').map((r) => r.code)).toEqual(['622926101201', '622926101000']);
    expect(withinGrant(items, '622926101201', ['village']).map((r) => r.code)).toEqual(['622926101201']);
    expect(pathOf(items[0])).toBe('临夏回族自治州 › 东乡族自治县 › 达板镇');
  });
});

describe('the address of the registry page', () => {
  test('each view and its parameters', () => {
    expect(viewOf({ requests: 'pending' })).toEqual({ view: 'requests' });
    expect(viewOf({ household: '10064' })).toEqual({ view: 'household', household: 10064 });
    expect(viewOf({ village: '622926101201', year: '2018', status: 'poor' }))
      .toEqual({ view: 'village', village: '622926101201', year: 2018, status: 'poor' });
    expect(viewOf({ village: '622926101201', year: 'x', status: 'rich' }))
      .toEqual({ view: 'village', village: '622926101201', year: null, status: null });
    expect(viewOf({ household: '0' })).toEqual({ view: 'start' });
    expect(viewOf({ village: '1234' })).toEqual({ view: 'start' });
    expect(viewOf({})).toEqual({ view: 'start' });
  });
  test('round trip through the query', () => {
    const q = villageQuery('622926101201', 2019, 'exited');
    expect(viewOf(q)).toEqual({ view: 'village', village: '622926101201', year: 2019, status: 'exited' });
    expect(villageQuery('622926101201')).toEqual({ village: '622926101201' });
    expect(viewOf(householdQuery(7))).toEqual({ view: 'household', household: 7 });
  });
});

describe('who may do what', () => {
  test('proposers and deciders', () => {
    expect(mayPropose('outlet_operator')).toBe(true);
    expect(mayPropose('official')).toBe(false);
    expect(mayDecide('registry')).toBe(true);
    expect(mayDecide('county_operator')).toBe(false);
  });
  test("one's own requests by the session's user id", () => {
    const request = { id: 1, proposed_by: 4 };
    expect(isOwnRequest(request, { username: 'registry', id: 4 })).toBe(true);
    expect(isOwnRequest(request, { username: 'reviewer', id: 5 })).toBe(false);
    expect(isOwnRequest(request, { username: 'registry' })).toBeNull();
    expect(isOwnRequest(request, null)).toBeNull();
  });
});
