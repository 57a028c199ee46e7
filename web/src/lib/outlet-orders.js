// The outlet's part of an order's life: a paid order is packed, a packed one
// shipped with its tracking number, a shipped one delivered (handed over).
export const STEPS = [
  { tab: 'pack', state: 'paid', action: 'pack', next: 'packed' },
  { tab: 'ship', state: 'packed', action: 'ship', next: 'shipped', tracking: true },
  { tab: 'deliver', state: 'shipped', action: 'deliver', next: 'delivered' },
];

export function stepOfTab(tab) {
  return STEPS.find((s) => s.tab === tab) || null;
}

// The message key for a tracking number that will not do, or null.
export function trackingError(text) {
  const s = String(text ?? '').trim();
  if (!s) return 'tracking';
  if (new TextEncoder().encode(s).length > 64) return 'trackingLong';
  return null;
}

// The body of the step's POST (only shipping has one).
export function stepBody(step, tracking) {
  return step.tracking ? { tracking_no: String(tracking).trim() } : undefined;
}

// "东乡洋芋 × 68, 东乡手抓羊肉 × 2"
export function linesText(order, sep = ', ') {
  return (order.lines || []).map((l) => `${l.product_name} × ${l.quantity}`).join(sep);
}
