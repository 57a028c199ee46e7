// Proposing a change to one household-year (docs/API.md, Change requests):
// the form starts from the year's values, and only the fields the user
// changed go into the request. Checks here catch what the form can know
// (a number that is not a number, a missing reason, a monitored household
// without a kind); the registry's own rules are the server's, which names the
// field it refuses.
export const STATUSES = ['not_poor', 'poor', 'exited', 'monitored'];
export const MONITOR_KINDS = ['unstable_exited', 'marginal', 'sudden_hardship'];
export const NEEDS = ['food', 'clothing', 'schooling', 'medical', 'housing', 'water'];
export const FIELDS = ['year', 'status', 'income_per_capita_fen', 'exit_year', 'monitor_kind', 'needs_unmet', 'reason'];
export const REASON_MAX_BYTES = 2000;

// "food;water" → ['food', 'water'], in the registry's order.
export function parseNeeds(text) {
  const set = new Set(String(text || '').split(';').map((s) => s.trim()).filter(Boolean));
  return NEEDS.filter((n) => set.has(n));
}

// ['water', 'food'] → "food;water" ("" when every need is guaranteed).
export function joinNeeds(list) {
  const set = new Set(list || []);
  return NEEDS.filter((n) => set.has(n)).join(';');
}

// "1234.5" yuan → 123450 fen; NaN for anything that is not an amount of at
// most two decimals, 0 or more.
export function yuanToFen(text) {
  const s = String(text ?? '').trim();
  if (!/^[0-9]{1,9}(\.[0-9]{1,2})?$/.test(s)) return NaN;
  const [whole, frac = ''] = s.split('.');
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
}

// 123450 → "1234.50".
export function fenToYuan(fen) {
  if (fen === null || fen === undefined) return '';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

// The form's values for a household-year row of GET /households/{id}.
export function formFromYear(row) {
  return {
    year: row.year,
    status: row.status,
    income: fenToYuan(row.income_per_capita_fen),
    exit_year: row.exit_year === null || row.exit_year === undefined ? '' : String(row.exit_year),
    monitor_kind: row.monitor_kind || '',
    needs: parseNeeds(row.needs_unmet),
    reason: '',
  };
}

function byteLength(s) {
  return new TextEncoder().encode(s).length;
}

// The request body for the form against the year's current row:
// {body, errors} where errors maps a field (a key of the body, or "body") to
// a message key of registry.error with its parameters.
export function buildChange(form, current) {
  const errors = {};
  const body = { year: Number(form.year) };
  if (!Number.isInteger(body.year) || body.year < 1900 || body.year > 2100) {
    errors.year = { key: 'year' };
  }
  if (!current) errors.year = { key: 'yearUnknown' };

  if (form.status && !STATUSES.includes(form.status)) errors.status = { key: 'status' };
  else if (current && form.status && form.status !== current.status) body.status = form.status;

  const incomeText = String(form.income ?? '').trim();
  if (incomeText !== '') {
    const fen = yuanToFen(incomeText);
    if (Number.isNaN(fen)) errors.income_per_capita_fen = { key: 'income' };
    else if (current && fen !== current.income_per_capita_fen) body.income_per_capita_fen = fen;
  }

  const exitText = String(form.exit_year ?? '').trim();
  if (exitText !== '') {
    const y = Number(exitText);
    if (!/^[0-9]{4}$/.test(exitText) || y < 1900 || y > 2100) errors.exit_year = { key: 'exitYear' };
    else if (current && y !== current.exit_year) body.exit_year = y;
  }

  const status = form.status || current?.status;
  if (status === 'monitored') {
    if (!form.monitor_kind) errors.monitor_kind = { key: 'monitorKindMissing' };
    else if (!MONITOR_KINDS.includes(form.monitor_kind)) errors.monitor_kind = { key: 'monitorKind' };
    else if (current && (form.monitor_kind !== current.monitor_kind || body.status)) body.monitor_kind = form.monitor_kind;
  }

  const needs = joinNeeds(form.needs);
  if (current && needs !== (current.needs_unmet || '')) body.needs_unmet = needs;

  const reason = String(form.reason ?? '').trim();
  if (!reason) errors.reason = { key: 'reasonMissing' };
  else if (byteLength(reason) > REASON_MAX_BYTES) errors.reason = { key: 'reasonLong', params: { max: REASON_MAX_BYTES } };
  body.reason = reason;

  const changed = Object.keys(body).filter((k) => k !== 'year' && k !== 'reason');
  if (!changed.length && !Object.keys(errors).length) errors.body = { key: 'nothing' };
  return { body, errors };
}

// The changes of a request as [field, value] pairs in the form's order.
export function changeEntries(changes) {
  return FIELDS.filter((f) => changes && Object.prototype.hasOwnProperty.call(changes, f))
    .map((f) => [f, changes[f]]);
}
