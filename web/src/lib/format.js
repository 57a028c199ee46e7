// Numbers as officials read them: grouped digits, percentages with two
// decimals, money from fen (the server's unit) to yuan.
export function grouped(n, locale = 'zh-CN') {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(n);
}

export function yuan(fen, locale = 'zh-CN') {
  if (fen === null || fen === undefined) return '—';
  return '¥' + new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(fen / 100);
}

// The units of the indicator catalogue, as a reader of each language writes them.
const UNITS_ZH = {
  people: '人',
  households: '户',
  villages: '个村',
  suppliers: '家',
  townships: '个乡镇',
  parcels: '件',
  '10,000 yuan': '万元',
};
const UNITS_EN = { '10,000 yuan': '× 10,000 yuan' };

// A value of a report with its unit: "8.97 %", "¥1,200", "24,018.92 万元", "163,800 人".
export function withUnit(value, unit, locale = 'zh-CN') {
  if (value === null || value === undefined) return '—';
  const n = grouped(value, locale);
  if (unit === '%') return `${n} %`;
  if (unit === 'yuan') return '¥' + n;
  if (!unit) return n;
  const zh = locale.startsWith('zh');
  return `${n} ${zh ? UNITS_ZH[unit] || unit : UNITS_EN[unit] || unit}`;
}

// The change from `before` to `now`: {text, sign} with sign -1, 0 or 1; for a
// percentage the change is in percentage points.
export function change(now, before, unit, locale = 'zh-CN') {
  if (now === null || now === undefined || before === null || before === undefined) return null;
  const d = Math.round((now - before) * 100) / 100;
  const sign = d > 0 ? 1 : d < 0 ? -1 : 0;
  const abs = grouped(Math.abs(d), locale);
  const text = (sign > 0 ? '+' : sign < 0 ? '−' : '±') + abs + (unit === '%' ? ' pp' : '');
  return { text, sign };
}
