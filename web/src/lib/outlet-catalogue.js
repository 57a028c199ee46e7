// What the lot form offers, read from the server: the outlets in the user's
// grant, the suppliers that may sell at an outlet (those of its village and
// those that gave it permission), their products with their grades, and the
// households each supplier may name.
import { householdChoices } from './outlet-lot.js';

// Every item of a paged list (at most `pages` pages of 500).
export async function allItems(api, path, params = {}, pages = 10) {
  const out = [];
  let cursor;
  for (let i = 0; i < pages; i++) {
    const page = await api.get(path, { ...params, limit: 500, cursor });
    out.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return out;
}

export function loadOutlets(api) {
  return allItems(api, '/outlets');
}

// The approved suppliers of the outlet's village, then those permitted at it
// (a permitted supplier outside the user's grant is known by name only).
export async function loadSuppliers(api, outletId) {
  const outlet = await api.get('/outlets/' + outletId);
  const local = await allItems(api, '/suppliers', { region: outlet.village_code, state: 'approved' });
  const seen = new Set(local.map((s) => s.id));
  const permitted = await Promise.all((outlet.permissions || []).filter((p) => !seen.has(p.supplier_id)).map(
    (p) => api.get('/suppliers/' + p.supplier_id).catch(() => ({ id: p.supplier_id, name: p.supplier_name }))));
  return [...local, ...permitted.filter((s) => !s.state || s.state === 'approved')];
}

// The listed products of those suppliers, each with its supplier's name.
export async function loadProducts(api, suppliers) {
  const lists = await Promise.all(suppliers.map((s) => allItems(api, '/products', { supplier: s.id }, 2)));
  return lists.flatMap((items, i) => items.map((p) => ({ id: p.id, name: p.name, unit: p.unit,
    supplier_id: suppliers[i].id, supplier_name: suppliers[i].name })));
}

export async function loadGrades(api, productId) {
  const p = await api.get('/products/' + productId);
  return p.grades || [];
}

export async function loadChoices(api, supplier) {
  const links = await api.get(`/suppliers/${supplier.id}/links`);
  return householdChoices(supplier, links.items);
}

// Village names by code, each asked once; null when it cannot be read (asked
// again next time).
export function villageNames(api) {
  const names = new Map();
  return function nameOf(code) {
    if (!names.has(code)) {
      names.set(code, api.get('/regions/' + code).then((r) => r.name, () => {
        names.delete(code);
        return null;
      }));
    }
    return names.get(code);
  };
}
