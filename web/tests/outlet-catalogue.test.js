import { describe, expect, test, vi } from 'vitest';
import { ApiError } from '../src/lib/api.js';
import { allItems, loadChoices, loadProducts, loadSuppliers, villageNames } from '../src/lib/outlet-catalogue.js';

// An api.get answering from a table of "path?query" → answer (or error).
function fakeApi(table) {
  const get = vi.fn(async (path, params = {}) => {
    const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')).toString();
    const k = q ? `${path}?${q}` : path;
    if (!(k in table)) throw new ApiError(404, 'not_found', 'no ' + k);
    const v = table[k];
    if (v instanceof Error) throw v;
    return v;
  });
  return { get };
}

describe('what the lot form offers', () => {
  test('a paged list is read to its end', async () => {
    const api = fakeApi({
      '/outlets?limit=500': { items: [{ id: 1 }], next_cursor: 'c1' },
      '/outlets?limit=500&cursor=c1': { items: [{ id: 2 }] },
    });
    expect(await allItems(api, '/outlets')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  test('suppliers: the approved ones of the village, then those permitted (by name when out of reach)', async () => {
    const api = fakeApi({
      '/outlets/6': { id: 6, village_code: '622926101201', permissions: [
        { supplier_id: 1, supplier_name: 'A' }, { supplier_id: 40, supplier_name: 'Far' }, { supplier_id: 41, supplier_name: 'Near' }] },
      '/suppliers?region=622926101201&state=approved&limit=500': { items: [{ id: 1, name: 'A', state: 'approved' }] },
      '/suppliers/40': new ApiError(403, 'permission_denied', 'outside'),
      '/suppliers/41': { id: 41, name: 'Near', kind: 'household', household_id: 9, state: 'approved' },
    });
    const s = await loadSuppliers(api, 6);
    expect(s.map((x) => x.id)).toEqual([1, 40, 41]);
    expect(s[1]).toEqual({ id: 40, name: 'Far' });
    expect(api.get).not.toHaveBeenCalledWith('/suppliers/1');
  });

  test('products carry their supplier; households come from verified links', async () => {
    const api = fakeApi({
      '/products?supplier=1&limit=500': { items: [{ id: 1, name: '东乡洋芋', unit: 'kg' }, { id: 2, name: '羊肉', unit: 'kg' }] },
      '/products?supplier=17&limit=500': { items: [{ id: 3, name: '东乡洋芋', unit: 'kg' }] },
      '/suppliers/1/links': { items: [
        { household_id: 10801, village_code: 'a', channel: 'purchase', state: 'verified' },
        { household_id: 10802, village_code: 'a', channel: 'purchase', state: 'rejected' }] },
    });
    const products = await loadProducts(api, [{ id: 1, name: 'Co-op' }, { id: 17, name: 'Firm' }]);
    expect(products.map((p) => [p.id, p.supplier_id, p.supplier_name])).toEqual([[1, 1, 'Co-op'], [2, 1, 'Co-op'], [3, 17, 'Firm']]);
    expect(await loadChoices(api, { id: 1, kind: 'cooperative' })).toEqual([
      { household_id: 10801, village_code: 'a', channel: 'purchase' }]);
  });

  test('village names are asked once; one that failed is asked again', async () => {
    const api = fakeApi({ '/regions/622926101208': { name: '红柳村委会' } });
    const nameOf = villageNames(api);
    expect(await nameOf('622926101208')).toBe('红柳村委会');
    expect(await nameOf('622926101208')).toBe('红柳村委会');
    expect(await nameOf('999')).toBeNull();
    expect(await nameOf('999')).toBeNull();
    const asked = api.get.mock.calls.map((c) => c[0]);
    expect(asked).toEqual(['/regions/622926101208', '/regions/999', '/regions/999']);
  });
});
