// Checkout without a browser: who may buy, checking the address before it is
// sent, the idempotency key of one checkout kept until the order is confirmed,
// and where a server error belongs.

export const ATTEMPT_KEY = 'fupin.checkout';
export const DRAFT_KEY = 'fupin.shipTo';

// null when the user may place an order; else why not: 'signIn' or 'role'.
export function checkoutBlock(user) {
  if (!user) return 'signIn';
  return user.role === 'buyer' ? null : 'role';
}

const bytes = (s) => new TextEncoder().encode(s).length;

// The server's limits (bytes): name 1–100, phone 5–32, address 1–500, note ≤ 500.
// Returns {field: messageKey} for each field in error, in the form's order.
export function validateShipTo({ name = '', phone = '', address = '', note = '' }) {
  const errors = {};
  const n = name.trim();
  const p = phone.trim();
  const a = address.trim();
  if (!n) errors.name = 'nameRequired';
  else if (bytes(n) > 100) errors.name = 'nameTooLong';
  if (!p) errors.phone = 'phoneRequired';
  else if (!/^\+?[0-9][0-9 -]{3,30}$/.test(p) || p.replace(/\D/g, '').length < 5) errors.phone = 'phoneInvalid';
  if (!a) errors.address = 'addressRequired';
  else if (bytes(a) > 500) errors.address = 'addressTooLong';
  if (bytes(note.trim()) > 500) errors.note = 'noteTooLong';
  return errors;
}

// The idempotency key of the buyer's current checkout: made once, kept (in
// localStorage, so a reload or a closed tab keeps it) until the order is
// confirmed, so every retry of one checkout sends the same key.
export function attemptKey(storage, username, makeKey) {
  try {
    const saved = JSON.parse(storage.getItem(ATTEMPT_KEY) || 'null');
    if (saved && saved.user === username && typeof saved.key === 'string' && saved.key) return saved.key;
  } catch {
    // unreadable: start a new attempt
  }
  const key = makeKey();
  try {
    storage.setItem(ATTEMPT_KEY, JSON.stringify({ user: username, key }));
  } catch {
    // not kept: the key lasts while the page is open
  }
  return key;
}

// The order was confirmed (or the key can no longer be used): the next
// checkout gets a new key.
export function finishAttempt(storage) {
  try {
    storage.removeItem(ATTEMPT_KEY);
  } catch {
    // nothing kept
  }
}

// Where a refused order's error belongs: {kind: 'field', field} for the address
// form, {kind: 'line', productId} for a line of the cart, {kind: 'replaced'}
// when the key already placed another order (an earlier try that got through
// before the cart changed), {kind: 'offline'} when the answer never came (the
// order may or may not exist: retrying is safe), else {kind: 'general'}.
export function placeErrorTarget(error, body, productOfField) {
  if (error.offline || error.status >= 500) return { kind: 'offline' };
  if (error.status === 422 && error.field === 'Idempotency-Key') return { kind: 'replaced' };
  const field = error.field || '';
  if (field.startsWith('ship_to.')) return { kind: 'field', field: field.slice('ship_to.'.length) };
  if (field === 'note') return { kind: 'field', field: 'note' };
  const productId = productOfField(field, body);
  if (productId !== null) return { kind: 'line', productId };
  return { kind: 'general' };
}

export function loadDraft(storage) {
  try {
    const d = JSON.parse(storage.getItem(DRAFT_KEY) || 'null');
    if (d && typeof d === 'object') {
      return { name: String(d.name || ''), phone: String(d.phone || ''), address: String(d.address || ''),
        note: String(d.note || '') };
    }
  } catch {
    // unreadable draft: start empty
  }
  return { name: '', phone: '', address: '', note: '' };
}

export function saveDraft(storage, draft) {
  try {
    storage.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    // not kept
  }
}
