// Places for the storefront. Reading the region tree needs a session, but
// anyone may browse the shop: a visitor who is not signed in chooses among
// Linxia's eight counties listed here (the statistical division codes), and
// a signed-in buyer gets them, with townships and villages, from the server.
import { countyOf } from './shop-query.js';

export const COUNTIES = [
  { code: '622901000000', name: '临夏市', name_en: 'Linxia City' },
  { code: '622921000000', name: '临夏县', name_en: 'Linxia County' },
  { code: '622922000000', name: '康乐县', name_en: 'Kangle County' },
  { code: '622923000000', name: '永靖县', name_en: 'Yongjing County' },
  { code: '622924000000', name: '广河县', name_en: 'Guanghe County' },
  { code: '622925000000', name: '和政县', name_en: 'Hezheng County' },
  { code: '622926000000', name: '东乡族自治县', name_en: 'Dongxiang Autonomous County' },
  { code: '622927000000', name: '积石山保安族东乡族撒拉族自治县', name_en: 'Jishishan Bonan, Dongxiang and Salar Autonomous County' },
];

// A county's name in the language of the page, or '' when it is not one of
// the eight.
export function countyName(code, lang) {
  const c = COUNTIES.find((x) => x.code === countyOf(code || ''));
  if (!c) return '';
  return lang === 'en' ? c.name_en : c.name;
}

// The options of a region select from a tree node's children, each labelled
// in the page's language where an English name is known.
export function regionOptions(children, lang) {
  return (children || []).map((c) => ({
    code: c.code,
    name: (lang === 'en' && c.level === 'county' && countyName(c.code, 'en')) || c.name,
  }));
}

// The origin of a product as "village, township, county": from the region
// answer (with its ancestors) when the reader may have it, else from what the
// product itself says (the village and its county code).
export function originParts(product, region, lang) {
  const village = product.origin_village_name || region?.name || '';
  if (region && Array.isArray(region.ancestors)) {
    const township = region.ancestors.find((a) => a.level === 'township');
    const county = region.ancestors.find((a) => a.level === 'county');
    return {
      village,
      township: township ? township.name : '',
      county: county ? countyName(county.code, lang) || county.name : '',
    };
  }
  return { village, township: '', county: countyName(product.county_code || product.origin_village_code, lang) };
}
