// The registry page keeps what it shows in the address, so a link can be
// shared: ?village=CODE&year=Y&status=S, ?household=ID, ?requests=pending.
import { isRegionCode } from './registry-regions.js';
import { STATUSES } from './registry-change.js';

const YEAR = /^[0-9]{4}$/;
const ID = /^[1-9][0-9]{0,15}$/;

function one(v) {
  return Array.isArray(v) ? v[0] : v;
}

// {view: 'requests' | 'household' | 'village' | 'start', village, year, status, household}.
// Values that cannot be right are left out, so a mistyped link opens the start view.
export function viewOf(query = {}) {
  const requests = one(query.requests);
  const household = one(query.household);
  const village = one(query.village);
  const year = one(query.year);
  const status = one(query.status);
  if (requests === 'pending') return { view: 'requests' };
  if (typeof household === 'string' && ID.test(household)) return { view: 'household', household: Number(household) };
  if (isRegionCode(village)) {
    return {
      view: 'village',
      village,
      year: typeof year === 'string' && YEAR.test(year) ? Number(year) : null,
      status: STATUSES.includes(status) ? status : null,
    };
  }
  return { view: 'start' };
}

export function villageQuery(code, year, status) {
  const q = { village: code };
  if (year) q.year = String(year);
  if (status) q.status = status;
  return q;
}

export function householdQuery(id) {
  return { household: String(id) };
}

export const requestsQuery = { requests: 'pending' };
