// Regions as the registry page needs them: the level a 12-digit code stands
// for, whether a grant covers a region, and region search answers narrowed to
// what the grant covers (the server searches the whole tree).
export const PREFECTURE = '622900000000';

const CODE = /^[0-9]{12}$/;

export function isRegionCode(code) {
  return typeof code === 'string' && CODE.test(code);
}

// prefecture 6229 00 000 000, county 622926 000000, township 622926101 000,
// village 622926101201.
export function levelOfCode(code) {
  if (!isRegionCode(code)) return null;
  if (code.slice(4) === '00000000') return 'prefecture';
  if (code.slice(6) === '000000') return 'county';
  if (code.slice(9) === '000') return 'township';
  return 'village';
}

const PREFIX = { prefecture: 4, county: 6, township: 9, village: 12 };

// True when the grant on `grantCode` covers the region `code` (itself or anything below it).
export function covers(grantCode, code) {
  const level = levelOfCode(grantCode);
  if (!level || !isRegionCode(code)) return false;
  return code.startsWith(grantCode.slice(0, PREFIX[level]));
}

// The items of GET /regions/search that the grant covers, of the given levels (all when empty).
export function withinGrant(items, grantCode, levels = []) {
  return (items || []).filter((r) => covers(grantCode, r.code) && (!levels.length || levels.includes(r.level)));
}

// "临夏回族自治州 › 东乡族自治县 › 达板镇" for a search item or a region.
export function pathOf(region) {
  return (region?.ancestors || []).map((a) => a.name).join(' › ');
}
