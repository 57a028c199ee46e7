// What each role may do on the registry page (docs/API.md, Roles and region
// scope): every households reader reads; these propose; these decide.
const PROPOSERS = ['registry', 'admin', 'county_operator', 'station_operator', 'outlet_operator'];
const DECIDERS = ['registry', 'admin'];

export function mayPropose(role) {
  return PROPOSERS.includes(role);
}

export function mayDecide(role) {
  return DECIDERS.includes(role);
}
