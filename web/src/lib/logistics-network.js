// The network-planning tool: the form read into the body of
// POST /api/v1/logistics/network-plans (the server's ranges, checked before
// sending), and its answer as rows comparing the existing network with the
// proposed one, measured the same way.

export const LIMITS = {
  stations: [1, 10000],
  radius_km: [0.1, 1000],
  points_radius_km: [0.1, 100],
  time_limit_s: [0.1, 10],
};

function number(text) {
  const s = String(text ?? '').trim().replace(',', '.');
  if (!/^[0-9]+(\.[0-9]+)?$/.test(s)) return NaN;
  return Number(s);
}

// {body, errors}: errors maps a field to {key, params} (messages under logistics.network.errors);
// body is null when there is an error. `maxStations`: the county's towns and townships (candidate sites),
// when known.
export function networkBody(form, county, maxStations) {
  const errors = {};
  const body = { county };
  if (form.mode === 'stations') {
    const k = number(form.stations);
    const max = maxStations || LIMITS.stations[1];
    if (!Number.isInteger(k) || k < 1 || k > max) errors.stations = { key: 'stations', params: { max } };
    else body.stations = k;
  } else {
    const r = number(form.radius_km);
    const [lo, hi] = LIMITS.radius_km;
    if (!(r >= lo && r <= hi)) errors.radius_km = { key: 'range', params: { min: lo, max: hi } };
    else body.radius_km = r;
  }
  for (const field of ['points_radius_km', 'time_limit_s']) {
    if (form[field] === '' || form[field] === undefined || form[field] === null) continue;
    const v = number(form[field]);
    const [lo, hi] = LIMITS[field];
    if (!(v >= lo && v <= hi)) errors[field] = { key: 'range', params: { min: lo, max: hi } };
    else body[field] = v;
  }
  if (form.date) body.date = form.date;
  return { body: Object.keys(errors).length ? null : body, errors };
}

// The measures side by side: [{key, kind, existing, proposed}] with raw values (null: does not apply).
// kinds: count, share ({n, of}), km (metres), parcels (thousandths), yuan (fen), percent (permille).
export function comparisonRows(result) {
  const e = result.existing;
  const p = result.proposed;
  const row = (key, kind, f) => ({ key, kind, existing: f(e), proposed: f(p) });
  return [
    row('stations', 'count', (m) => m.stations.length),
    row('points', 'count', (m) => m.points.length),
    row('covered', 'share', (m) => ({ n: m.villages_covered, of: m.villages })),
    row('withPoint', 'share', (m) => ({ n: m.villages_with_point, of: m.villages })),
    row('meanDistance', 'km', (m) => m.mean_distance_m),
    row('dayParcels', 'parcels', (m) => m.day_parcels_milli),
    row('dayCost', 'yuan', (m) => m.day_cost_fen),
    row('costPerParcel', 'yuan', (m) => m.cost_per_parcel_fen),
    row('atPoints', 'percent', (m) => m.parcels_at_points_permille),
  ];
}

// A measure as text in `locale`; '—' where it does not apply.
export function formatMeasure(kind, value, locale = 'zh-CN') {
  if (value === null || value === undefined) return '—';
  const fixed = (x, digits) =>
    new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
  switch (kind) {
    case 'count':
      return new Intl.NumberFormat(locale).format(value);
    case 'share':
      return `${new Intl.NumberFormat(locale).format(value.n)} / ${new Intl.NumberFormat(locale).format(value.of)}`;
    case 'km':
      return `${fixed(value / 1000, 2)} km`;
    case 'parcels':
      return fixed(value / 1000, 2);
    case 'yuan':
      return `¥${fixed(value / 100, 2)}`;
    case 'percent':
      return `${fixed(value / 10, 1)} %`;
    default:
      return String(value);
  }
}

// Kilometres from metres for the form's labels: 10000 → 10.
export function km(metres) {
  return Math.round(metres) / 1000;
}
