import { describe, expect, test } from 'vitest';
import { comparisonRows, formatMeasure, km, networkBody } from '../src/lib/logistics-network.js';

const COUNTY = '622926000000';
const form = (over) => ({ mode: 'stations', stations: '5', radius_km: '8', points_radius_km: '2', time_limit_s: '2', ...over });

describe('the network form', () => {
  test('K stations: the body the endpoint takes, without a radius', () => {
    expect(networkBody(form(), COUNTY, 24)).toEqual({
      body: { county: COUNTY, stations: 5, points_radius_km: 2, time_limit_s: 2 }, errors: {},
    });
  });
  test('a radius in decimal kilometres, without K; a decimal comma is read too', () => {
    const { body } = networkBody(form({ mode: 'radius', radius_km: '8,5', points_radius_km: '1.5', date: '2020-12-28' }), COUNTY);
    expect(body).toEqual({ county: COUNTY, radius_km: 8.5, points_radius_km: 1.5, time_limit_s: 2, date: '2020-12-28' });
  });
  test('empty optional fields are left to the server\'s defaults', () => {
    expect(networkBody(form({ points_radius_km: '', time_limit_s: '' }), COUNTY).body).toEqual({ county: COUNTY, stations: 5 });
  });
  test('values outside the server\'s ranges are named before sending', () => {
    expect(networkBody(form({ stations: '25' }), COUNTY, 24).errors).toEqual({ stations: { key: 'stations', params: { max: 24 } } });
    expect(networkBody(form({ stations: '2.5' }), COUNTY, 24).body).toBeNull();
    expect(networkBody(form({ stations: '0' }), COUNTY, 24).errors.stations).toBeTruthy();
    expect(networkBody(form({ stations: '-1' }), COUNTY, 24).errors.stations).toBeTruthy();
    expect(networkBody(form({ stations: '' }), COUNTY, 24).errors.stations).toBeTruthy();
    expect(networkBody(form({ mode: 'radius', radius_km: '0.05' }), COUNTY).errors).toEqual({
      radius_km: { key: 'range', params: { min: 0.1, max: 1000 } } });
    expect(networkBody(form({ points_radius_km: '101' }), COUNTY).errors.points_radius_km.params).toEqual({ min: 0.1, max: 100 });
    expect(networkBody(form({ time_limit_s: '11' }), COUNTY).errors.time_limit_s.params).toEqual({ min: 0.1, max: 10 });
    expect(networkBody(form({ time_limit_s: 'abc' }), COUNTY).errors.time_limit_s).toBeTruthy();
    // Without a known number of sites, the server's own bound.
    expect(networkBody(form({ stations: '10000' }), COUNTY).body.stations).toBe(10000);
  });
});

// An answer as `fupin plan network --format json` prints it (shortened lists).
const result = {
  county: COUNTY, coverage_radius_m: 10000, points_radius_m: 2000, existing_on: '2020-12-31',
  station_model: { model: 'p-median', proven_optimal: true, method: 'cbc', seconds: 0.138 },
  point_model: { model: 'set covering', proven_optimal: true, method: 'cbc', seconds: 0.05 },
  uncoverable: [],
  existing: { stations: ['a', 'b', 'c'], points: ['p', 'q'], villages: 193, villages_covered: 193, villages_with_point: 121,
    mean_distance_m: 4291, day_parcels_milli: 110041, day_cost_fen: 264666, cost_per_parcel_fen: 2405, parcels_at_points_permille: 630 },
  proposed: { stations: ['a'], points: ['p', 'q', 'r'], villages: 193, villages_covered: 118, villages_with_point: 127,
    mean_distance_m: null, day_parcels_milli: 110041, day_cost_fen: null, cost_per_parcel_fen: null, parcels_at_points_permille: null },
};

describe('existing and proposed side by side', () => {
  test('each measure from both networks', () => {
    const rows = comparisonRows(result);
    expect(rows.map((r) => r.key)).toEqual(['stations', 'points', 'covered', 'withPoint', 'meanDistance', 'dayParcels',
      'dayCost', 'costPerParcel', 'atPoints']);
    const by = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect([by.stations.existing, by.stations.proposed]).toEqual([3, 1]);
    expect([by.points.existing, by.points.proposed]).toEqual([2, 3]);
    expect(by.covered).toEqual({ key: 'covered', kind: 'share', existing: { n: 193, of: 193 }, proposed: { n: 118, of: 193 } });
    expect(by.costPerParcel.existing).toBe(2405);
    expect(by.costPerParcel.proposed).toBeNull();
  });
  test('formats each kind; what does not apply is a dash, never 0', () => {
    expect(formatMeasure('count', 1234, 'en-US')).toBe('1,234');
    expect(formatMeasure('share', { n: 118, of: 193 }, 'en-US')).toBe('118 / 193');
    expect(formatMeasure('km', 4291, 'en-US')).toBe('4.29 km');
    expect(formatMeasure('parcels', 110041, 'en-US')).toBe('110.04');
    expect(formatMeasure('yuan', 264666, 'en-US')).toBe('¥2,646.66');
    expect(formatMeasure('yuan', 2405, 'zh-CN')).toBe('¥24.05');
    expect(formatMeasure('percent', 630, 'en-US')).toBe('63.0 %');
    expect(formatMeasure('yuan', null)).toBe('—');
    expect(formatMeasure('km', undefined)).toBe('—');
    expect(formatMeasure('yuan', 0, 'en-US')).toBe('¥0.00');
    expect(km(8500)).toBe(8.5);
  });
});
