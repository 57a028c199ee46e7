// The day's village economics from the plans (GET /api/v1/logistics/plans):
// one row per village with its parcels, cost, cost per parcel, revenue and
// margin, flagged where the cost exceeds the revenue (the parcels cost more to
// carry than they earn); the totals; and the rows as CSV for download. Money
// stays in fen until shown.

// One row per village of `plans`, in the plans' order. `townships` names township codes ({code: name});
// a township without a name shows its code.
export function villageRows(plans, townships = {}) {
  const rows = [];
  for (const plan of plans || []) {
    for (const v of plan.villages || []) {
      rows.push({
        code: v.village_code,
        name: v.name,
        township_code: v.township_code,
        township: townships[v.township_code] || v.township_code,
        served: v.served,
        parcels_in: v.parcels_in,
        parcels_out: v.parcels_out,
        parcels: v.parcels_in + v.parcels_out,
        route_cost_fen: v.route_cost_fen,
        center_cost_fen: v.center_cost_fen,
        cost_fen: v.cost_fen,
        cost_per_parcel_fen: v.cost_per_parcel_fen,
        revenue_fen: v.revenue_fen,
        margin_fen: v.margin_fen,
        losing: v.cost_fen > v.revenue_fen,
        advice: v.advice || null,
      });
    }
  }
  return rows;
}

// Township names from the station facilities ({serves_region_code: serves_name}).
export function townshipNames(facilities) {
  const out = {};
  for (const f of facilities || []) if (f.tier === 'station') out[f.serves_region_code] = f.serves_name;
  return out;
}

// Sums of `rows`: parcels, cost, revenue, margin, the villages losing money, and the cost per parcel
// (rounded half up; null without parcels).
export function economicsTotals(rows) {
  const t = { villages: rows.length, losing: 0, parcels: 0, cost_fen: 0, revenue_fen: 0, margin_fen: 0 };
  for (const r of rows) {
    t.losing += r.losing ? 1 : 0;
    t.parcels += r.parcels;
    t.cost_fen += r.cost_fen;
    t.revenue_fen += r.revenue_fen;
    t.margin_fen += r.margin_fen;
  }
  t.cost_per_parcel_fen = t.parcels > 0 ? Math.floor((2 * t.cost_fen + t.parcels) / (2 * t.parcels)) : null;
  return t;
}

// Fen as yuan with two decimals and no grouping ("-7.15"), exactly: integer arithmetic, no float rounding.
export function fenToYuanText(fen) {
  if (fen === null || fen === undefined) return '';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function csvField(v) {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  'date', 'village_code', 'village', 'township_code', 'township', 'served', 'parcels_in', 'parcels_out',
  'cost_yuan', 'cost_per_parcel_yuan', 'revenue_yuan', 'margin_yuan', 'cost_exceeds_revenue',
  'break_even_parcels_per_run', 'break_even_runs_per_week',
];

// The rows as CSV (UTF-8 with a byte-order mark, so that spreadsheets read the Chinese names; CRLF line
// ends; column names are English codes, as the server's CSV reports).
export function economicsCsv(rows, date) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push([
      date, r.code, r.name, r.township_code, r.township, r.served, r.parcels_in, r.parcels_out,
      fenToYuanText(r.cost_fen), fenToYuanText(r.cost_per_parcel_fen), fenToYuanText(r.revenue_fen),
      fenToYuanText(r.margin_fen), r.losing ? 'yes' : 'no',
      r.advice ? r.advice.break_even_parcels_per_run : '', r.advice ? r.advice.break_even_runs_per_week : '',
    ].map(csvField).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

// Totals of the plans as the server gives them (each plan's `totals`), summed over the plans.
export function planTotals(plans) {
  const keys = ['routes', 'villages', 'villages_losing', 'parcels_in', 'parcels_out', 'distance_m', 'cost_fen',
    'revenue_fen'];
  const out = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const p of plans || []) for (const k of keys) out[k] += p.totals?.[k] || 0;
  return out;
}
