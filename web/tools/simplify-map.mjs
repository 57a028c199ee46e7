// Makes web/public/maps/linxia-counties.json from data/linxia/counties_vonng_ccby.geojson
// (Vonng/adcode county boundaries, CC BY 4.0, GCJ-02): each ring simplified
// with Douglas–Peucker to TOLERANCE degrees (about 250 m) and coordinates
// rounded to 4 decimals, so the map a phone downloads is small. The properties
// kept are the county code, its name and the attribution.
//   node tools/simplify-map.mjs   (from web/)
import { readFileSync, writeFileSync } from 'node:fs';

const TOLERANCE = 0.0025;
const source = JSON.parse(readFileSync('../data/linxia/counties_vonng_ccby.geojson', 'utf8'));

function perpendicular(p, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy);
  if (len === 0) return Math.hypot(p[0] - a[0], p[1] - a[1]);
  return Math.abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / len;
}

export function simplify(points, tolerance) {
  if (points.length < 3) return points.slice();
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop();
    let worst = -1;
    let index = -1;
    for (let i = first + 1; i < last; i++) {
      const d = perpendicular(points[i], points[first], points[last]);
      if (d > worst) {
        worst = d;
        index = i;
      }
    }
    if (worst > tolerance) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

function ring(points) {
  // A closed ring: simplify the open path, then close it again; never fewer than 4 points.
  let out = simplify(points, TOLERANCE).map(([x, y]) => [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4]);
  if (out.length < 4) out = points.filter((_, i) => i % Math.max(1, Math.floor(points.length / 4)) === 0).slice(0, 3)
    .concat([points[0]]);
  return out;
}

function geometry(g) {
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: g.coordinates.map(ring) };
  if (g.type === 'MultiPolygon') return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(ring)) };
  throw new Error('unexpected geometry ' + g.type);
}

const out = {
  type: 'FeatureCollection',
  attribution: 'County boundaries: Vonng/adcode (CC BY 4.0), GCJ-02, simplified',
  features: source.features.map((f) => ({
    type: 'Feature',
    properties: { code: f.properties.code, name: f.properties.name },
    geometry: geometry(f.geometry),
  })),
};
writeFileSync('public/maps/linxia-counties.json', JSON.stringify(out));
console.log(`public/maps/linxia-counties.json: ${JSON.stringify(out).length} bytes`);
