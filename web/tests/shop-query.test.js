import { describe, expect, test } from 'vitest';
import {
  catalogueParams, countyOf, filtersFromQuery, filtersKey, mergeCategories, queryFromFilters, regionOf, townshipOf,
} from '../src/lib/shop-query.js';
import { COUNTIES, countyName, originParts, regionOptions } from '../src/lib/shop-regions.js';

const DONGXIANG = '622926000000';
const DABAN = '622926101000';
const SHANGKETUO = '622926101201';

describe('filters in the address', () => {
  test('read the place, category and the two checks', () => {
    expect(filtersFromQuery({ county: DONGXIANG, township: DABAN, village: SHANGKETUO, category: '蔬菜',
      certified: '1', in_stock: '1' })).toEqual({ county: DONGXIANG, township: DABAN, village: SHANGKETUO,
      category: '蔬菜', certified: true, inStock: true });
    expect(filtersFromQuery({})).toEqual({ county: '', township: '', village: '', category: '', certified: false,
      inStock: false });
  });
  test('drop a place that does not lie in the one above it, or is malformed', () => {
    expect(filtersFromQuery({ county: DONGXIANG, township: '622923101000' }).township).toBe('');
    expect(filtersFromQuery({ county: DONGXIANG, township: DABAN, village: '622926102201' }).village).toBe('');
    expect(filtersFromQuery({ township: DABAN }).township).toBe('');
    expect(filtersFromQuery({ county: '6229' }).county).toBe('');
    expect(filtersFromQuery({ county: DABAN }).county).toBe('');
  });
  test('write back, keeping the open product or cart', () => {
    const f = { county: DONGXIANG, township: DABAN, village: '', category: '肉类', certified: false, inStock: true };
    expect(queryFromFilters(f, { product: '3', category: 'old', certified: '1' })).toEqual({
      product: '3', county: DONGXIANG, township: DABAN, category: '肉类', in_stock: '1' });
    expect(filtersFromQuery(queryFromFilters(f))).toEqual(f);
  });
});

describe('the catalogue query', () => {
  test('asks for the narrowest place chosen', () => {
    const f = filtersFromQuery({ county: DONGXIANG, township: DABAN, village: SHANGKETUO });
    expect(regionOf(f)).toBe(SHANGKETUO);
    expect(catalogueParams(f, 'Mw', 10)).toEqual({ region: SHANGKETUO, category: undefined, certified: undefined,
      in_stock: undefined, limit: 10, cursor: 'Mw' });
    expect(catalogueParams(filtersFromQuery({ certified: '1', in_stock: '1', category: '水果' }), '')).toMatchObject({
      region: undefined, category: '水果', certified: 'true', in_stock: 'true', cursor: undefined });
  });
  test('reloads only when the filters change', () => {
    const a = filtersFromQuery({ county: DONGXIANG });
    expect(filtersKey(a)).toBe(filtersKey(filtersFromQuery({ county: DONGXIANG, product: '4' })));
    expect(filtersKey(a)).not.toBe(filtersKey(filtersFromQuery({ county: DONGXIANG, in_stock: '1' })));
  });
  test('gathers categories from every page loaded', () => {
    const known = mergeCategories([], [{ category: '水果' }, { category: '蔬菜' }, { category: '水果' }]);
    expect(mergeCategories(known, [{ category: '肉类' }]).sort()).toEqual(['水果', '肉类', '蔬菜'].sort());
    expect(mergeCategories(known, [])).toHaveLength(2);
  });
});

describe('places', () => {
  test('county and township of a code', () => {
    expect(countyOf(SHANGKETUO)).toBe(DONGXIANG);
    expect(townshipOf(SHANGKETUO)).toBe(DABAN);
  });
  test('the eight counties, named in either language', () => {
    expect(COUNTIES).toHaveLength(8);
    expect(countyName(SHANGKETUO, 'zh')).toBe('东乡族自治县');
    expect(countyName(SHANGKETUO, 'en')).toBe('Dongxiang Autonomous County');
    expect(countyName('110000000000', 'zh')).toBe('');
    expect(regionOptions([{ code: DONGXIANG, name: '东乡族自治县', level: 'county' }], 'en')[0].name)
      .toBe('Dongxiang Autonomous County');
    expect(regionOptions([{ code: DABAN, name: '达板镇', level: 'township' }], 'en')[0].name).toBe('达板镇');
  });
  test('a product origin from the region answer, or from the product alone', () => {
    const product = { origin_village_name: '上科妥村委会', origin_village_code: SHANGKETUO, county_code: DONGXIANG };
    const region = { name: '上科妥村委会', ancestors: [
      { code: '622900000000', name: '临夏回族自治州', level: 'prefecture' },
      { code: DONGXIANG, name: '东乡族自治县', level: 'county' },
      { code: DABAN, name: '达板镇', level: 'township' }] };
    expect(originParts(product, region, 'zh')).toEqual({ village: '上科妥村委会', township: '达板镇', county: '东乡族自治县' });
    expect(originParts(product, null, 'zh')).toEqual({ village: '上科妥村委会', township: '', county: '东乡族自治县' });
  });
});
