import { describe, expect, test } from 'vitest';
import {
  boundsOf, lonLat, missingPlaces, plannerMapOption, proposedSites, routeLines,
} from '../src/lib/logistics-map.js';

// A county center, two stations and three points, as GET /api/v1/logistics/facilities gives them.
const facilities = [
  { id: 7, tier: 'center', name: '中心', serves_region_code: '622926000000', serves_name: '东乡族自治县', lon_e6: 103374397, lat_e6: 35680902 },
  { id: 92, tier: 'station', name: '锁南镇物流服务站', serves_region_code: '622926100000', serves_name: '锁南镇', lon_e6: 103374397, lat_e6: 35680902 },
  { id: 93, tier: 'station', name: '达板镇物流服务站', serves_region_code: '622926101000', serves_name: '达板镇', lon_e6: 103633637, lat_e6: 35729723 },
  { id: 499, tier: 'point', name: '红柳', serves_region_code: '622926101208', serves_name: '红柳村委会', lon_e6: 103600000, lat_e6: 35750000 },
  { id: 497, tier: 'point', name: '拱北滩', serves_region_code: '622926101205', serves_name: '拱北滩村委会', lon_e6: 103650000, lat_e6: 35700000 },
  { id: 498, tier: 'point', name: '甘家', serves_region_code: '622926101204', serves_name: '甘家村委会', lon_e6: 103566864, lat_e6: 35738482 },
];

const plans = [{
  routes: [
    { id: 2, tier: 'station', facility_id: 93, depot_region_code: '622926101000', depot_name: '达板镇', cost_fen: 9178, distance_m: 27728,
      stops: [
        { region_code: '622926101208', name: '红柳村委会', facility_id: 499 },
        // A village split in two parts: one place, drawn once.
        { region_code: '622926101205', name: '拱北滩村委会', facility_id: 497 },
        { region_code: '622926101205', name: '拱北滩村委会', facility_id: 497 },
        // A point not in the list: placed from the regions, when known.
        { region_code: '622926101209', name: '红庄村委会', facility_id: 501 },
      ] },
    { id: 21, tier: 'center', facility_id: 7, depot_region_code: '622926100000', depot_name: '锁南镇', cost_fen: 63560, distance_m: 243290,
      stops: [{ region_code: '622926101000', name: '达板镇', facility_id: 93 }] },
  ],
}];
const t = (k) => k;

describe('logistics map', () => {
  test('a facility sits at its micro-degrees', () => {
    expect(lonLat(facilities[2])).toEqual([103.633637, 35.729723]);
  });

  test('names the places that need a position from the regions', () => {
    expect(missingPlaces(plans, facilities)).toEqual(['622926101209']);
    expect(missingPlaces(plans, facilities, { '622926101209': [103.6, 35.76] })).toEqual([]);
    expect(missingPlaces([], facilities)).toEqual([]);
  });

  test('a route is a closed line from its depot through its stops, a split village drawn once', () => {
    const lines = routeLines(plans, facilities, { '622926101209': [103.61, 35.76] });
    expect(lines).toHaveLength(2);
    const [station, center] = lines;
    expect(station.coords).toEqual([
      [103.633637, 35.729723], [103.6, 35.75], [103.65, 35.7], [103.61, 35.76], [103.633637, 35.729723],
    ]);
    expect(station.stops).toBe(4);
    expect(station.stopNames).toEqual(['红柳村委会', '拱北滩村委会', '拱北滩村委会', '红庄村委会']);
    expect(station.unplaced).toBe(0);
    expect(center.tier).toBe('center');
    expect(center.coords).toEqual([[103.374397, 35.680902], [103.633637, 35.729723], [103.374397, 35.680902]]);
  });

  test('a stop without any position is left out and counted', () => {
    const [station] = routeLines(plans, facilities);
    expect(station.unplaced).toBe(1);
    expect(station.coords).toHaveLength(4);
  });

  test('the view holds every place with a margin', () => {
    const [[w, n], [e, s]] = boundsOf([[103, 35.5], [104, 36]], 0.1);
    expect(w).toBeCloseTo(102.9);
    expect(e).toBeCloseTo(104.1);
    expect(n).toBeCloseTo(36.05);
    expect(s).toBeCloseTo(35.45);
    // One place: at least 0.02° each way.
    const one = boundsOf([[103, 35]]).flat();
    [102.98, 35.02, 103.02, 34.98].forEach((v, i) => expect(one[i]).toBeCloseTo(v, 10));
    expect(boundsOf([])).toBeNull();
  });

  test('the option draws each tier, the routes by tier and the proposal, zoomed to them', () => {
    const lines = routeLines(plans, facilities, { '622926101209': [103.61, 35.76] });
    const proposed = proposedSites(['622926101000', '622926205000'], facilities, { '622926205000': [103.5, 35.6] },
      { '622926205000': '百和乡' });
    const o = plannerMapOption({ facilities, lines, proposed, county: '东乡族自治县', t });
    const byName = Object.fromEntries(o.series.map((s) => [s.layer, s]));
    expect(o.series.map((s) => s.name)).toEqual(['logistics.map.stationRoutes', 'logistics.map.centerRoutes',
      'logistics.map.points', 'logistics.map.stations', 'logistics.map.center', 'logistics.map.proposed']);
    expect(byName.center.data.map((d) => d.id)).toEqual([7]);
    expect(byName.stations.data.map((d) => d.id)).toEqual([92, 93]);
    expect(byName.points.data.map((d) => d.id)).toEqual([499, 497, 498]);
    expect(byName.stationRoutes.data.map((d) => d.route)).toEqual([2]);
    expect(byName.stationRoutes.polyline).toBe(true);
    expect(byName.centerRoutes.data.map((d) => d.route)).toEqual([21]);
    expect(byName.proposed.data).toEqual([
      { name: '达板镇', value: [103.633637, 35.729723], code: '622926101000' },
      { name: '百和乡', value: [103.5, 35.6], code: '622926205000' },
    ]);
    expect(o.geo.map).toBe('linxia');
    expect(o.geo.regions[0].name).toBe('东乡族自治县');
    const [[w, n], [e, s]] = o.geo.boundingCoords;
    expect(w).toBeLessThan(103.374397);
    expect(e).toBeGreaterThan(103.65);
    expect(s).toBeLessThan(35.6);
    expect(n).toBeGreaterThan(35.76);
    // Without a proposal there is no proposal series.
    expect(plannerMapOption({ facilities, lines, t }).series.map((s) => s.layer)).not.toContain('proposed');
    // Hidden layers are not drawn, and the view does not move.
    const some = plannerMapOption({ facilities, lines, proposed, hidden: ['points', 'centerRoutes'], t });
    expect(some.series.map((s) => s.layer)).toEqual(['stationRoutes', 'stations', 'center', 'proposed']);
    expect(some.geo.boundingCoords).toEqual(o.geo.boundingCoords);
  });

  test('a proposed station without a station facility takes its township position, or none', () => {
    expect(proposedSites(['622926999000'], facilities, {})).toEqual([{ code: '622926999000', name: '622926999000', coord: null }]);
  });
});
