// The lot intake form without the browser: its blank state, the checks made
// before sending (the server's own rules, so a mistake is named at once and
// not after a round trip on a slow link), the request body, and the label
// sheet links of a lot taken in.

export const MAX_QUANTITY = 100000000; // the server's largest lot or share
export const MAX_FEN = 1000000000000;
export const LABELS_PER_SHEET = 24;

// "Today" as the server counts it: the calendar date in China (UTC+8).
export function beijingDate(now = new Date()) {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

export function blankHousehold() {
  return { household_id: '', quantity: '', paid: '' };
}

export function blankLot(today) {
  return {
    outlet_id: '',
    product_id: '',
    grade: '',
    quantity: '',
    intake_date: today,
    inspection: { test: '', result: '', inspector: '' },
    households: [blankHousehold()],
  };
}

// Phone keyboards in Chinese mode type full-width digits and points: read
// them as the ASCII ones.
export function normalizeDigits(text) {
  return String(text ?? '')
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48))
    .replace(/[\uFF0E\u3002]/g, '.')
    .trim();
}

// A whole number of units from 1 to MAX_QUANTITY, or null.
export function parseCount(text) {
  const s = normalizeDigits(text);
  if (!/^\d{1,9}$/.test(s)) return null;
  const n = Number(s);
  return n >= 1 && n <= MAX_QUANTITY ? n : null;
}

// Yuan as typed ("12", "12.5", "12.50") to whole fen, or null.
export function yuanToFen(text) {
  const s = normalizeDigits(text);
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
  return fen <= MAX_FEN ? fen : null;
}

function isDate(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function bytes(s) {
  return new TextEncoder().encode(s).length;
}

// Checks a filled form. ctx: {today, grades (the product's, or null while
// unknown), choices (household ids that may supply, or null while unknown)}.
// Returns [{field, key, params}] in the order of the form; field is the
// server's name for it, key a message under outlet.err.
export function validateLot(form, ctx = {}) {
  const errors = [];
  const add = (field, key, params) => errors.push({ field, key, params });
  if (!form.outlet_id) add('outlet_id', 'outlet');
  if (!form.product_id) add('product_id', 'product');
  if (!form.grade) add('grade', 'grade');
  else if (ctx.grades && !ctx.grades.includes(form.grade)) add('grade', 'gradeUnknown', { grade: form.grade });
  const quantity = parseCount(form.quantity);
  if (quantity === null) add('quantity', 'quantity', { max: MAX_QUANTITY });
  if (!isDate(form.intake_date || '')) add('intake_date', 'date');
  else if (ctx.today && form.intake_date > ctx.today) add('intake_date', 'dateFuture', { today: ctx.today });
  const test = (form.inspection?.test || '').trim();
  if (!test) add('inspection.test', 'test');
  else if (bytes(test) > 500) add('inspection.test', 'testLong', { max: 500 });
  if (!['pass', 'fail'].includes(form.inspection?.result)) add('inspection.result', 'result');
  const inspector = (form.inspection?.inspector || '').trim();
  if (!inspector) add('inspection.inspector', 'inspector');
  else if (bytes(inspector) > 100) add('inspection.inspector', 'inspectorLong', { max: 100 });

  const rows = form.households || [];
  if (!rows.length) add('households', 'householdsNone');
  const seen = new Set();
  let sum = 0;
  let allCounted = true;
  rows.forEach((h, i) => {
    const row = i + 1;
    const id = Number(h.household_id);
    if (!h.household_id) add(`households[${i}].household_id`, 'hhMissing', { row });
    else if (seen.has(id)) add(`households[${i}].household_id`, 'hhTwice', { row });
    else if (ctx.choices && !ctx.choices.includes(id)) add(`households[${i}].household_id`, 'hhNotLinked', { row });
    if (h.household_id) seen.add(id);
    const q = parseCount(h.quantity);
    if (q === null) {
      add(`households[${i}].quantity`, 'hhQuantity', { row });
      allCounted = false;
    } else {
      sum += q;
    }
    if (yuanToFen(h.paid) === null) add(`households[${i}].paid_fen`, 'hhPaid', { row });
  });
  if (rows.length && allCounted && quantity !== null && sum !== quantity) {
    add('households', 'sum', { sum, quantity });
  }
  return errors;
}

// The sum of the households' quantities typed so far (rows not yet valid count 0).
export function householdSum(form) {
  return (form.households || []).reduce((s, h) => s + (parseCount(h.quantity) || 0), 0);
}

// The body of POST /lots from a form that passed validateLot.
export function lotBody(form) {
  return {
    product_id: Number(form.product_id),
    outlet_id: Number(form.outlet_id),
    quantity: parseCount(form.quantity),
    grade: form.grade,
    intake_date: form.intake_date,
    inspection: {
      test: form.inspection.test.trim(),
      result: form.inspection.result,
      inspector: form.inspection.inspector.trim(),
    },
    households: form.households.map((h) => ({
      household_id: Number(h.household_id),
      quantity: parseCount(h.quantity),
      paid_fen: yuanToFen(h.paid),
    })),
  };
}

// The id of the input that shows a field's error: the form's own checks and
// the server's error.field use the same names.
export function inputId(field) {
  if (!field) return null;
  const m = /^households\[(\d+)\]\.(household_id|quantity|paid_fen)$/.exec(field);
  if (m) return `lot-hh-${m[1]}-${{ household_id: 'id', quantity: 'qty', paid_fen: 'paid' }[m[2]]}`;
  const ids = {
    outlet_id: 'lot-outlet',
    product_id: 'lot-product',
    grade: 'lot-grade',
    quantity: 'lot-quantity',
    intake_date: 'lot-date',
    'inspection.test': 'lot-test',
    'inspection.result': 'lot-result',
    'inspection.inspector': 'lot-inspector',
    households: 'lot-households',
  };
  return ids[field] || null;
}

// The households that may supply a supplier's lot: a household supplier's
// own household (direct sale) and every household with a verified link.
export function householdChoices(supplier, links) {
  const out = [];
  const seen = new Set();
  if (supplier && supplier.kind === 'household' && supplier.household_id) {
    out.push({ household_id: supplier.household_id, village_code: supplier.village_code, channel: 'direct_sale' });
    seen.add(supplier.household_id);
  }
  for (const l of links || []) {
    if (l.state !== 'verified' || seen.has(l.household_id)) continue;
    seen.add(l.household_id);
    out.push({ household_id: l.household_id, village_code: l.village_code, channel: l.channel });
  }
  return out;
}

// Links to the printable label sheets of a lot: 24 labels a sheet, one link
// per sheet.
export function labelLinks(lotId, copies) {
  const n = Math.min(500, Math.max(1, Math.floor(Number(copies)) || LABELS_PER_SHEET));
  const pages = Math.ceil(n / LABELS_PER_SHEET);
  return Array.from({ length: pages }, (_, i) => ({
    page: i + 1,
    href: `/api/v1/lots/${lotId}/labels.svg?copies=${n}` + (pages > 1 ? `&page=${i + 1}` : ''),
  }));
}

// A saved draft read back as a form: every field of the blank form present
// and of its type, whatever an older page or a hand-edited storage left.
export function fromDraft(data, today) {
  const form = blankLot(today);
  if (!data || typeof data !== 'object') return form;
  const id = (v) => (Number.isInteger(Number(v)) && Number(v) > 0 && v !== '' && v !== null ? Number(v) : '');
  const text = (v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  form.outlet_id = id(data.outlet_id);
  form.product_id = id(data.product_id);
  form.grade = text(data.grade);
  form.quantity = text(data.quantity);
  if (text(data.intake_date)) form.intake_date = text(data.intake_date);
  const ins = data.inspection || {};
  form.inspection = { test: text(ins.test), result: text(ins.result), inspector: text(ins.inspector) };
  if (Array.isArray(data.households)) {
    form.households = data.households.filter((h) => h && typeof h === 'object')
      .map((h) => ({ household_id: id(h.household_id), quantity: text(h.quantity), paid: text(h.paid) }));
  }
  return form;
}
