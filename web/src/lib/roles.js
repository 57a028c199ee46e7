// Which pages each role uses (DESIGN.md, Users; the API's access rules in
// docs/API.md) and where each lands after signing in.
const OPERATORS = ['county_operator', 'station_operator', 'outlet_operator'];

export const PAGE_ROLES = {
  dashboard: ['admin', 'official', 'registry', 'auditor', ...OPERATORS],
  registry: ['admin', 'official', 'registry', ...OPERATORS],
  reports: ['admin', 'official', 'registry', 'auditor', ...OPERATORS],
  logistics: ['admin', 'official', 'auditor', 'county_operator', 'station_operator'],
  outlet: ['outlet_operator', 'county_operator', 'admin'],
  orders: ['buyer'],
};

const HOME = {
  admin: 'dashboard',
  official: 'dashboard',
  auditor: 'dashboard',
  registry: 'registry',
  county_operator: 'dashboard',
  station_operator: 'logistics',
  outlet_operator: 'outlet',
  supplier: 'shop',
  buyer: 'shop',
};

// Pages not listed (the storefront, the trace page) are open to everyone;
// the storefront asks a buyer to sign in at checkout.
export function mayOpen(role, page) {
  const roles = PAGE_ROLES[page];
  return !roles || roles.includes(role);
}

export function homeOf(role) {
  return HOME[role] || 'shop';
}

// The pages of the navigation bar for a role, in order.
export function navFor(role) {
  return ['dashboard', 'registry', 'outlet', 'logistics', 'reports', 'shop', 'orders'].filter((p) => mayOpen(role, p));
}
