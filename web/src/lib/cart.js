// The buyer's cart: plain objects and pure functions, kept in the browser's
// localStorage so that it survives a reload or a dropped connection.
//
// A cart is {lines: [{product_id, name, unit, price_fen, saleable, origin, quantity}]}:
// what the buyer saw when adding the product. The server checks price and
// stock again when the order is placed.

export const CART_KEY = 'fupin.cart';
export const MAX_LINES = 100; // an order holds at most 100 lines

export function emptyCart() {
  return { lines: [] };
}

// A whole number of units from 1 to `saleable` (0 when nothing can be sold).
export function clampQuantity(quantity, saleable) {
  const most = Math.max(0, Math.floor(Number(saleable) || 0));
  if (most === 0) return 0;
  const q = Math.floor(Number(quantity));
  if (!Number.isFinite(q) || q < 1) return 1;
  return Math.min(q, most);
}

function lineFrom(product, quantity) {
  return {
    product_id: product.id,
    name: product.name,
    unit: product.unit,
    price_fen: product.price_fen,
    saleable: product.saleable,
    origin: product.origin?.name || product.origin_village_name || '',
    quantity,
  };
}

// Adds `quantity` units of a catalogue product (with its `saleable`); a product
// already in the cart gets the units added, never beyond what can be sold.
// Returns the new cart; the old one is left as it was.
export function addToCart(cart, product, quantity) {
  const lines = cart.lines.map((l) => ({ ...l }));
  const line = lines.find((l) => l.product_id === product.id);
  if (line) {
    line.saleable = product.saleable;
    line.price_fen = product.price_fen;
    line.quantity = clampQuantity(line.quantity + Math.floor(Number(quantity) || 0), product.saleable);
  } else {
    const q = clampQuantity(quantity, product.saleable);
    if (q === 0 || lines.length >= MAX_LINES) return { lines };
    lines.push(lineFrom(product, q));
  }
  return { lines: lines.filter((l) => l.quantity > 0) };
}

export function setQuantity(cart, productId, quantity) {
  return {
    lines: cart.lines
      .map((l) => (l.product_id === productId ? { ...l, quantity: clampQuantity(quantity, l.saleable) } : { ...l }))
      .filter((l) => l.quantity > 0),
  };
}

export function removeLine(cart, productId) {
  return { lines: cart.lines.filter((l) => l.product_id !== productId).map((l) => ({ ...l })) };
}

// Takes in what the product page says now (name, unit, price); the units
// already chosen stay.
export function refreshLine(cart, detail) {
  return {
    lines: cart.lines.map((l) =>
      l.product_id === detail.id
        ? { ...l, name: detail.name ?? l.name, unit: detail.unit ?? l.unit, price_fen: detail.price_fen ?? l.price_fen }
        : { ...l }),
  };
}

export function lineAmount(line) {
  return line.price_fen * line.quantity;
}

// The total in fen.
export function cartTotal(cart) {
  return cart.lines.reduce((sum, l) => sum + lineAmount(l), 0);
}

export function cartUnits(cart) {
  return cart.lines.reduce((sum, l) => sum + l.quantity, 0);
}

function isLine(l) {
  return l && Number.isInteger(l.product_id) && l.product_id > 0 && typeof l.name === 'string'
    && Number.isInteger(l.price_fen) && l.price_fen > 0 && Number.isInteger(l.quantity) && l.quantity > 0
    && Number.isInteger(l.saleable) && l.saleable >= l.quantity;
}

// Reads a stored cart, leaving out anything that is not a well-formed line
// (an older or tampered copy never breaks the page).
export function parseCart(text) {
  if (!text) return emptyCart();
  try {
    const data = JSON.parse(text);
    if (!data || !Array.isArray(data.lines)) return emptyCart();
    const seen = new Set();
    const lines = [];
    for (const l of data.lines) {
      if (!isLine(l) || seen.has(l.product_id)) continue;
      seen.add(l.product_id);
      lines.push({
        product_id: l.product_id, name: l.name, unit: String(l.unit || ''), price_fen: l.price_fen,
        saleable: l.saleable, origin: String(l.origin || ''), quantity: l.quantity,
      });
    }
    return { lines: lines.slice(0, MAX_LINES) };
  } catch {
    return emptyCart();
  }
}

export function loadCart(storage) {
  try {
    return parseCart(storage.getItem(CART_KEY));
  } catch {
    return emptyCart();
  }
}

export function saveCart(storage, cart) {
  try {
    if (cart.lines.length) storage.setItem(CART_KEY, JSON.stringify(cart));
    else storage.removeItem(CART_KEY);
  } catch {
    // storage full or refused: the cart lasts while the page is open
  }
}

// The body of POST /orders for this cart.
export function orderBody(cart, shipTo, note) {
  const body = {
    lines: cart.lines.map((l) => ({ product_id: l.product_id, quantity: l.quantity })),
    ship_to: { name: shipTo.name.trim(), phone: shipTo.phone.trim(), address: shipTo.address.trim() },
  };
  if (note && note.trim()) body.note = note.trim();
  return body;
}

// What is left of the cart once the order of `body` is placed: its units
// taken out, lines that reach nothing removed.
export function removeOrdered(cart, body) {
  const ordered = new Map(body.lines.map((l) => [l.product_id, l.quantity]));
  return {
    lines: cart.lines
      .map((l) => ({ ...l, quantity: l.quantity - (ordered.get(l.product_id) || 0) }))
      .filter((l) => l.quantity > 0),
  };
}

// The product a server error's field names, as in "lines[2].quantity", in the
// body that was sent; null when the field is not a line's.
export function productOfField(field, body) {
  const m = /^lines\[(\d+)\]/.exec(field || '');
  if (!m) return null;
  const line = body.lines[Number(m[1])];
  return line ? line.product_id : null;
}
