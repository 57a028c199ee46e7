// The storefront's filters live in the address (so the back button and a
// shared link restore them): county, township, village, category, certified
// only, in stock only. These functions turn the address into filters and the
// filters into the catalogue's query.

const CODE = /^[0-9]{12}$/;

export const PAGE_SIZE = 24;

export function countyOf(code) {
  return code.slice(0, 6) + '000000';
}

export function townshipOf(code) {
  return code.slice(0, 9) + '000';
}

function code(v) {
  return typeof v === 'string' && CODE.test(v) ? v : '';
}

// Filters from a route's query; a township outside the county or a village
// outside the township is dropped.
export function filtersFromQuery(query) {
  const f = {
    county: code(query.county),
    township: code(query.township),
    village: code(query.village),
    category: typeof query.category === 'string' ? query.category.slice(0, 100) : '',
    certified: query.certified === '1',
    inStock: query.in_stock === '1',
  };
  if (f.county && countyOf(f.county) !== f.county) f.county = '';
  if (!f.county || (f.township && (countyOf(f.township) !== f.county || townshipOf(f.township) !== f.township))) {
    f.township = '';
  }
  if (!f.township || (f.village && townshipOf(f.village) !== f.township)) f.village = '';
  return f;
}

// The route query for `filters`, keeping the other keys of `base` (the open
// product, the cart) as they are.
export function queryFromFilters(filters, base = {}) {
  const q = { ...base };
  for (const k of ['county', 'township', 'village', 'category', 'certified', 'in_stock']) delete q[k];
  if (filters.county) q.county = filters.county;
  if (filters.county && filters.township) q.township = filters.township;
  if (filters.county && filters.township && filters.village) q.village = filters.village;
  if (filters.category) q.category = filters.category;
  if (filters.certified) q.certified = '1';
  if (filters.inStock) q.in_stock = '1';
  return q;
}

// The narrowest region chosen, or ''.
export function regionOf(filters) {
  return filters.village || filters.township || filters.county || '';
}

// The parameters of GET /products for one page.
export function catalogueParams(filters, cursor, limit = PAGE_SIZE) {
  return {
    region: regionOf(filters) || undefined,
    category: filters.category || undefined,
    certified: filters.certified ? 'true' : undefined,
    in_stock: filters.inStock ? 'true' : undefined,
    limit,
    cursor: cursor || undefined,
  };
}

// One text per set of filters, to tell whether the list must be loaded again.
export function filtersKey(filters) {
  return JSON.stringify([regionOf(filters), filters.category, filters.certified, filters.inStock]);
}

// The categories known so far, with those of newly loaded products, sorted
// the way a Chinese reader expects.
export function mergeCategories(known, items, locale = 'zh-CN') {
  const all = new Set(known);
  for (const p of items) if (p.category) all.add(p.category);
  return [...all].sort((a, b) => a.localeCompare(b, locale));
}
