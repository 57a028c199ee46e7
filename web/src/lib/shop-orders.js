// A buyer's orders without a browser: which actions an order's state allows,
// what accepting an institution's delivery needs, the suppliers to rate, and
// times as the platform counts them (China Standard Time).

export const ORDER_STATES = ['placed', 'paid', 'packed', 'shipped', 'delivered', 'accepted', 'cancelled', 'refunded'];

// What the buyer may do with an order in its state: pay and cancel while
// placed, accept once delivered, rate the suppliers after delivery.
export function buyerActions(order) {
  const s = order?.state;
  return {
    pay: s === 'placed',
    cancel: s === 'placed',
    accept: s === 'delivered',
    rate: s === 'delivered' || s === 'accepted',
  };
}

// An institution's order is accepted with its invoice number and an inspection note.
export function isInstitutional(order) {
  return order?.institution_id !== null && order?.institution_id !== undefined;
}

const bytes = (s) => new TextEncoder().encode(s).length;

// {field: messageKey} for the acceptance form (server limits: invoice number
// 64 bytes, inspection note 1000).
export function validateAcceptance(order, { invoice_no = '', inspection_note = '' }) {
  const errors = {};
  const inv = invoice_no.trim();
  const note = inspection_note.trim();
  if (isInstitutional(order) && !inv) errors.invoice_no = 'invoiceRequired';
  else if (bytes(inv) > 64) errors.invoice_no = 'invoiceTooLong';
  if (isInstitutional(order) && !note) errors.inspection_note = 'inspectionRequired';
  else if (bytes(note) > 1000) errors.inspection_note = 'inspectionTooLong';
  return errors;
}

// The body of POST /orders/{id}/accept: only what was filled in.
export function acceptanceBody({ invoice_no = '', inspection_note = '' }) {
  const body = {};
  if (invoice_no.trim()) body.invoice_no = invoice_no.trim();
  if (inspection_note.trim()) body.inspection_note = inspection_note.trim();
  return body;
}

// The suppliers of an order, each with the products it supplied, in the
// order of the lines.
export function suppliersOf(order) {
  const bySupplier = new Map();
  for (const l of order?.lines || []) {
    if (!bySupplier.has(l.supplier_id)) bySupplier.set(l.supplier_id, { supplier_id: l.supplier_id, products: [] });
    const s = bySupplier.get(l.supplier_id);
    if (!s.products.some((p) => p.product_id === l.product_id)) {
      s.products.push({ product_id: l.product_id, name: l.product_name });
    }
  }
  return [...bySupplier.values()];
}

// {field: messageKey} for a rating: 1 to 5 whole stars, a comment of at most 1000 bytes.
export function validateRating({ stars, comment = '' }) {
  const errors = {};
  if (!Number.isInteger(stars) || stars < 1 || stars > 5) errors.stars = 'starsRequired';
  if (bytes(comment.trim()) > 1000) errors.comment = 'commentTooLong';
  return errors;
}

// "2020-01-12 18:26" in China Standard Time, whatever the reader's clock.
export function chinaTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const c = new Date(d.getTime() + 8 * 3600 * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${c.getUTCFullYear()}-${two(c.getUTCMonth() + 1)}-${two(c.getUTCDate())} ${two(c.getUTCHours())}:${two(c.getUTCMinutes())}`;
}

// The date part of chinaTime.
export function chinaDate(iso) {
  return chinaTime(iso).slice(0, 10);
}

// Units of an order.
export function orderUnits(order) {
  return (order?.lines || []).reduce((n, l) => n + l.quantity, 0);
}

// A list of orders with one replaced by its newer copy (after an action).
export function replaceOrder(list, order) {
  return list.map((o) => (o.id === order.id ? { ...o, ...order } : o));
}
