import { describe, expect, test } from 'vitest';
import {
  CSV_COLUMNS, economicsCsv, economicsTotals, fenToYuanText, planTotals, townshipNames, villageRows,
} from '../src/lib/logistics-economics.js';

const village = (code, name, served, parcelsIn, parcelsOut, cost, revenue, advice = null) => ({
  village_code: code, name, township_code: code.slice(0, 9) + '000', served, parcels_in: parcelsIn,
  parcels_out: parcelsOut, weight_in_g: 1000, weight_out_g: 0, route_cost_fen: cost, center_cost_fen: 0,
  cost_fen: cost, cost_per_parcel_fen: Math.round(cost / (parcelsIn + parcelsOut)), revenue_fen: revenue,
  revenue_per_parcel_fen: 150, margin_fen: revenue - cost, breaks_even: revenue >= cost, advice,
});

const plans = [
  {
    totals: { routes: 2, villages: 2, villages_losing: 1, parcels_in: 4, parcels_out: 1, distance_m: 1000, cost_fen: 1015, revenue_fen: 750 },
    villages: [
      village('622926100202', '巴牙村委会', 'route', 1, 0, 865, 150, { break_even_parcels_per_run: 6, break_even_runs_per_week: 1 }),
      village('622926100204', '白家村委会', 'fetch', 3, 1, 150, 600),
    ],
  },
  {
    totals: { routes: 1, villages: 1, villages_losing: 1, parcels_in: 2, parcels_out: 0, distance_m: 500, cost_fen: 1848, revenue_fen: 300 },
    villages: [village('622926101205', '拱北滩村委会, "东"', 'route', 2, 0, 1848, 300, { break_even_parcels_per_run: 13, break_even_runs_per_week: 0 })],
  },
];

describe('village economics', () => {
  test('one row per village of every plan, losing where the cost exceeds the revenue', () => {
    const rows = villageRows(plans, { '622926100000': '锁南镇' });
    expect(rows.map((r) => r.code)).toEqual(['622926100202', '622926100204', '622926101205']);
    expect(rows.map((r) => r.losing)).toEqual([true, false, true]);
    expect(rows.map((r) => r.parcels)).toEqual([1, 4, 2]);
    expect(rows[0].township).toBe('锁南镇');
    expect(rows[2].township).toBe('622926101000'); // no name known: the code
    expect(rows[0].advice.break_even_parcels_per_run).toBe(6);
    expect(rows[1].advice).toBeNull();
    // Cost equal to revenue does not lose.
    const even = villageRows([{ villages: [village('622926100205', '苜叶', 'route', 1, 0, 150, 150)] }]);
    expect(even[0].losing).toBe(false);
  });

  test('township names from the station facilities', () => {
    expect(townshipNames([
      { tier: 'station', serves_region_code: '622926101000', serves_name: '达板镇' },
      { tier: 'point', serves_region_code: '622926101205', serves_name: '拱北滩村委会' },
    ])).toEqual({ '622926101000': '达板镇' });
  });

  test('totals add up the rows, cost per parcel rounded half up', () => {
    const t = economicsTotals(villageRows(plans));
    expect(t).toEqual({
      villages: 3, losing: 2, parcels: 7, cost_fen: 865 + 150 + 1848, revenue_fen: 150 + 600 + 300,
      margin_fen: (150 - 865) + (600 - 150) + (300 - 1848), cost_per_parcel_fen: 409, // 2863 / 7 = 409.0
    });
    expect(economicsTotals([{ parcels: 2, cost_fen: 3, revenue_fen: 0, margin_fen: -3, losing: true }]).cost_per_parcel_fen).toBe(2); // 1.5 → 2
    expect(economicsTotals([]).cost_per_parcel_fen).toBeNull();
  });

  test('the plans\' own totals summed', () => {
    expect(planTotals(plans)).toEqual({ routes: 3, villages: 3, villages_losing: 2, parcels_in: 6, parcels_out: 1,
      distance_m: 1500, cost_fen: 2863, revenue_fen: 1050 });
  });

  test('fen as yuan text, exactly', () => {
    expect(fenToYuanText(865)).toBe('8.65');
    expect(fenToYuanText(-715)).toBe('-7.15');
    expect(fenToYuanText(5)).toBe('0.05');
    expect(fenToYuanText(-5)).toBe('-0.05');
    expect(fenToYuanText(123456789)).toBe('1234567.89');
    expect(fenToYuanText(null)).toBe('');
  });

  test('the CSV holds the rows shown, quoted where needed', () => {
    const rows = villageRows(plans, { '622926100000': '锁南镇' });
    const csv = economicsCsv(rows, '2020-12-28');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(rows.length + 2);
    expect(lines[1]).toBe('2020-12-28,622926100202,巴牙村委会,622926100000,锁南镇,route,1,0,8.65,8.65,1.50,-7.15,yes,6,1');
    expect(lines[2]).toBe('2020-12-28,622926100204,白家村委会,622926100000,锁南镇,fetch,3,1,1.50,0.38,6.00,4.50,no,,');
    expect(lines[3]).toBe('2020-12-28,622926101205,"拱北滩村委会, ""东""",622926101000,622926101000,route,2,0,18.48,9.24,3.00,-15.48,yes,13,0');
  });
});
