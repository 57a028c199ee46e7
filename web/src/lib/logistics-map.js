import { encodeHTML } from './dashboard-charts.js';
// The planner's map, built from the logistics API's JSON: facilities as
// points (center, stations, village points), each route of the day's plans as
// a closed line depot → stops → depot, and the proposed stations of a network
// plan. Pure functions, so what the map draws is tested without a browser.
//
// Positions: a facility's lon_e6/lat_e6 (GCJ-02, like the county boundaries);
// a stop or depot whose facility is not in the list falls back on its region's
// coordinates (GET /api/v1/regions/{code}), given as `positions` {code: [lon, lat]}.

const E6 = 1e6;

export function lonLat(facility) {
  return [facility.lon_e6 / E6, facility.lat_e6 / E6];
}

export function facilityIndex(facilities) {
  return new Map((facilities || []).map((f) => [f.id, f]));
}

// Where a place of a plan stands: its facility, else its region's coordinates; null when neither is known.
function placeOf(byId, positions, facilityId, regionCode) {
  const f = facilityId !== null && facilityId !== undefined ? byId.get(facilityId) : undefined;
  if (f) return lonLat(f);
  const p = positions && positions[regionCode];
  return p ? [p[0], p[1]] : null;
}

// Region codes of the depots and stops of `plans` whose facility is not in `facilities`: their
// positions must come from the regions.
export function missingPlaces(plans, facilities, positions = {}) {
  const byId = facilityIndex(facilities);
  const out = new Set();
  for (const plan of plans || []) {
    for (const r of plan.routes || []) {
      if (!byId.has(r.facility_id) && !positions[r.depot_region_code]) out.add(r.depot_region_code);
      for (const s of r.stops || []) {
        if (!byId.has(s.facility_id) && !positions[s.region_code]) out.add(s.region_code);
      }
    }
  }
  return [...out].sort();
}

// Every route of `plans` as a line: {id, tier, depot, depotCode, stops, coords, cost_fen, distance_m, cut,
// unplaced}. coords starts and ends at the depot; consecutive stops at one place (a village split into
// parts) are drawn once. `unplaced` counts the stops left out for want of a position.
export function routeLines(plans, facilities, positions = {}) {
  const byId = facilityIndex(facilities);
  const lines = [];
  for (const plan of plans || []) {
    for (const r of plan.routes || []) {
      const depot = placeOf(byId, positions, r.facility_id, r.depot_region_code);
      const coords = [];
      let unplaced = 0;
      const push = (c) => {
        const last = coords[coords.length - 1];
        if (!last || last[0] !== c[0] || last[1] !== c[1]) coords.push(c);
      };
      if (depot) push(depot);
      for (const s of r.stops || []) {
        const c = placeOf(byId, positions, s.facility_id, s.region_code);
        if (c) push(c);
        else unplaced += 1;
      }
      if (depot) push(depot);
      lines.push({
        id: r.id,
        tier: r.tier,
        depot: r.depot_name,
        depotCode: r.depot_region_code,
        stops: (r.stops || []).length,
        stopNames: (r.stops || []).map((s) => s.name),
        coords,
        cost_fen: r.cost_fen,
        distance_m: r.distance_m,
        cut: Boolean(r.cut),
        unplaced,
      });
    }
  }
  return lines;
}

// The box [[west, north], [east, south]] around `coords` with a margin of `pad` of its size (at least
// 0.02°), or null without coordinates.
export function boundsOf(coords, pad = 0.08) {
  const pts = (coords || []).filter((c) => c && Number.isFinite(c[0]) && Number.isFinite(c[1]));
  if (!pts.length) return null;
  let [w, s] = pts[0];
  let [e, n] = pts[0];
  for (const [lon, lat] of pts) {
    w = Math.min(w, lon);
    e = Math.max(e, lon);
    s = Math.min(s, lat);
    n = Math.max(n, lat);
  }
  const dx = Math.max((e - w) * pad, 0.02);
  const dy = Math.max((n - s) * pad, 0.02);
  return [[w - dx, n + dy], [e + dx, s - dy]];
}

// Colours of the station routes, told apart on the map (each at least 3:1 on the light map).
export const ROUTE_COLOURS = ['#0b5cad', '#1d7a3a', '#8a3ffc', '#b42318', '#00707a', '#9f1853', '#6b4f00', '#2f3e9e'];

// The map's layers, in the order the legend lists them: how each is drawn, for the legend's swatches too.
export const MAP_LAYERS = [
  { key: 'stationRoutes', shape: 'line', colour: ROUTE_COLOURS[0] },
  { key: 'centerRoutes', shape: 'dashed', colour: '#1f2933' },
  { key: 'center', shape: 'rect', colour: '#1f2933' },
  { key: 'stations', shape: 'triangle', colour: '#0b5cad' },
  { key: 'points', shape: 'circle', colour: '#1d7a3a' },
  { key: 'proposed', shape: 'diamond', colour: '#c2410c' },
];
const COLOUR = Object.fromEntries(MAP_LAYERS.map((l) => [l.key, l.colour]));

// The ECharts option of the planner's map.
//   facilities: the API's items; lines: routeLines(); proposed: [{code, name, coord}] or [];
//   county: the county's name on the map (its outline is shaded), or ''; focus: more [lon, lat] the view
//   must hold (the region's own position, when it has no facility); hidden: keys of MAP_LAYERS not drawn
//   (the view stays where it is); t: the i18n function.
export function plannerMapOption({ facilities = [], lines = [], proposed = [], county = '', focus = [], hidden = [], t }) {
  const tiers = { center: [], station: [], point: [] };
  for (const f of facilities) {
    if (tiers[f.tier]) tiers[f.tier].push({ name: f.name, value: lonLat(f), id: f.id, code: f.serves_region_code });
  }
  const stationLines = lines.filter((l) => l.tier === 'station' && l.coords.length > 1);
  const centerLines = lines.filter((l) => l.tier === 'center' && l.coords.length > 1);
  const all = [
    ...facilities.map(lonLat),
    ...lines.flatMap((l) => l.coords),
    ...proposed.filter((p) => p.coord).map((p) => p.coord),
    ...focus,
  ];
  const scatter = (layer, zlevel, symbol, symbolSize, data) => ({
    layer,
    name: t('logistics.map.' + layer),
    type: 'scatter',
    coordinateSystem: 'geo',
    zlevel,
    symbol,
    symbolSize,
    itemStyle: { color: COLOUR[layer], borderColor: '#fff', borderWidth: symbolSize > 8 ? 1 : 0 },
    data,
  });
  const series = [
    {
      layer: 'stationRoutes',
      name: t('logistics.map.stationRoutes'),
      type: 'lines',
      coordinateSystem: 'geo',
      polyline: true,
      zlevel: 1,
      lineStyle: { width: 2, opacity: 0.85 },
      data: stationLines.map((l, i) => ({
        name: l.depot,
        coords: l.coords,
        route: l.id,
        lineStyle: { color: ROUTE_COLOURS[i % ROUTE_COLOURS.length] },
      })),
    },
    {
      layer: 'centerRoutes',
      name: t('logistics.map.centerRoutes'),
      type: 'lines',
      coordinateSystem: 'geo',
      polyline: true,
      zlevel: 1,
      lineStyle: { width: 2, type: 'dashed', color: COLOUR.centerRoutes, opacity: 0.7 },
      data: centerLines.map((l) => ({ name: l.depot, coords: l.coords, route: l.id })),
    },
    scatter('points', 2, 'circle', 6, tiers.point),
    scatter('stations', 2, 'triangle', 12, tiers.station),
    scatter('center', 3, 'rect', 14, tiers.center),
  ];
  if (proposed.length) {
    series.push(scatter('proposed', 4, 'diamond', 18,
      proposed.filter((p) => p.coord).map((p) => ({ name: p.name, value: p.coord, code: p.code }))));
  }
  const box = boundsOf(all);
  return {
    aria: { enabled: true },
    // ECharts shows a formatter's text as HTML: names are escaped.
    tooltip: { trigger: 'item', formatter: (p) => `${encodeHTML(p.seriesName)}: ${encodeHTML(p.name)}` },
    geo: {
      map: 'linxia',
      // Fitted to the places; no dragging or wheel zoom, which would catch the page's scrolling on phones.
      roam: false,
      ...(box ? { boundingCoords: box } : {}),
      top: 8,
      bottom: 8,
      left: 8,
      right: 8,
      itemStyle: { areaColor: '#f5f7fa', borderColor: '#8a96a3' },
      emphasis: { disabled: true },
      label: { show: false },
      regions: county ? [{ name: county, itemStyle: { areaColor: '#e8f1fb', borderColor: '#0b5cad', borderWidth: 1.5 } }] : [],
    },
    series: series.filter((s) => !hidden.includes(s.layer)),
  };
}

// The proposed stations of a network plan with their positions: a station facility serving the township,
// else the township's coordinates from `positions`; {code, name, coord|null}.
export function proposedSites(codes, facilities, positions = {}, names = {}) {
  const stations = new Map((facilities || []).filter((f) => f.tier === 'station').map((f) => [f.serves_region_code, f]));
  return (codes || []).map((code) => {
    const f = stations.get(code);
    const p = positions[code];
    return {
      code,
      name: names[code] || (f ? f.serves_name : code),
      coord: f ? lonLat(f) : p ? [p[0], p[1]] : null,
    };
  });
}
