import { describe, expect, test } from 'vitest';
import {
  CART_KEY, MAX_LINES, addToCart, cartTotal, cartUnits, clampQuantity, emptyCart, lineAmount, loadCart, orderBody,
  parseCart, productOfField, refreshLine, removeLine, removeOrdered, saveCart, setQuantity,
} from '../src/lib/cart.js';

const apple = { id: 7, name: '冰糖心苹果', unit: 'kg', price_fen: 1200, saleable: 10, origin: { name: '某村' } };
const lily = { id: 9, name: '百合', unit: 'kg', price_fen: 4550, saleable: 3, origin: { name: '另一村' } };

function memoryStorage() {
  const data = new Map();
  return {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
    removeItem: (k) => data.delete(k),
    data,
  };
}

describe('quantities', () => {
  test('are whole numbers from 1 to what can be sold', () => {
    expect(clampQuantity(3, 10)).toBe(3);
    expect(clampQuantity(30, 10)).toBe(10);
    expect(clampQuantity(0, 10)).toBe(1);
    expect(clampQuantity(-4, 10)).toBe(1);
    expect(clampQuantity(2.7, 10)).toBe(2);
    expect(clampQuantity('5', 10)).toBe(5);
    expect(clampQuantity('abc', 10)).toBe(1);
    expect(clampQuantity(3, 0)).toBe(0);
  });
});

describe('the cart', () => {
  test('adds a product with its price, unit and origin, bounded by saleable', () => {
    const c = addToCart(emptyCart(), apple, 4);
    expect(c.lines).toEqual([{ product_id: 7, name: '冰糖心苹果', unit: 'kg', price_fen: 1200, saleable: 10,
      origin: '某村', quantity: 4 }]);
    const more = addToCart(c, apple, 9);
    expect(more.lines[0].quantity).toBe(10);
    expect(c.lines[0].quantity).toBe(4); // the old cart is unchanged
  });
  test('leaves out a product that cannot be sold', () => {
    expect(addToCart(emptyCart(), { ...apple, saleable: 0 }, 1).lines).toEqual([]);
  });
  test('holds at most 100 lines, as an order does', () => {
    let c = emptyCart();
    for (let i = 1; i <= MAX_LINES + 5; i++) c = addToCart(c, { ...apple, id: i }, 1);
    expect(c.lines).toHaveLength(MAX_LINES);
  });
  test('changes and removes lines', () => {
    let c = addToCart(addToCart(emptyCart(), apple, 2), lily, 1);
    c = setQuantity(c, 9, 5);
    expect(c.lines.find((l) => l.product_id === 9).quantity).toBe(3);
    c = setQuantity(c, 7, 6);
    expect(c.lines.find((l) => l.product_id === 7).quantity).toBe(6);
    c = removeLine(c, 7);
    expect(c.lines.map((l) => l.product_id)).toEqual([9]);
  });
  test('adds up amounts and units in fen', () => {
    const c = addToCart(addToCart(emptyCart(), apple, 2), lily, 3);
    expect(lineAmount(c.lines[1])).toBe(3 * 4550);
    expect(cartTotal(c)).toBe(2 * 1200 + 3 * 4550);
    expect(cartUnits(c)).toBe(5);
    expect(cartTotal(emptyCart())).toBe(0);
  });
  test('takes in a newer price and keeps the units', () => {
    const c = refreshLine(addToCart(emptyCart(), apple, 2), { id: 7, name: '冰糖心苹果', unit: 'kg', price_fen: 1300 });
    expect(c.lines[0]).toMatchObject({ price_fen: 1300, quantity: 2 });
    expect(cartTotal(c)).toBe(2600);
  });
});

describe('storage', () => {
  test('keeps the cart across a reload', () => {
    const s = memoryStorage();
    const c = addToCart(addToCart(emptyCart(), apple, 2), lily, 1);
    saveCart(s, c);
    expect(loadCart(s)).toEqual(c);
    saveCart(s, emptyCart());
    expect(s.data.has(CART_KEY)).toBe(false);
    expect(loadCart(s)).toEqual(emptyCart());
  });
  test('drops malformed or tampered lines and unreadable text', () => {
    expect(parseCart('not json')).toEqual(emptyCart());
    expect(parseCart('{"lines":3}')).toEqual(emptyCart());
    const text = JSON.stringify({ lines: [
      { product_id: 7, name: 'a', unit: 'kg', price_fen: 100, saleable: 5, quantity: 2 },
      { product_id: 7, name: 'twice', unit: 'kg', price_fen: 100, saleable: 5, quantity: 1 },
      { product_id: 8, name: 'too many', unit: 'kg', price_fen: 100, saleable: 1, quantity: 2 },
      { product_id: 9, name: 'free', unit: 'kg', price_fen: 0, saleable: 5, quantity: 1 },
      { product_id: '10', name: 'text id', unit: 'kg', price_fen: 100, saleable: 5, quantity: 1 },
    ] });
    expect(parseCart(text).lines.map((l) => [l.product_id, l.name])).toEqual([[7, 'a']]);
  });
  test('survives a storage that refuses', () => {
    const broken = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('full'); }, removeItem() {} };
    expect(loadCart(broken)).toEqual(emptyCart());
    expect(() => saveCart(broken, addToCart(emptyCart(), apple, 1))).not.toThrow();
  });
});

describe('placing the order', () => {
  const c = addToCart(addToCart(emptyCart(), apple, 2), lily, 3);
  test('sends the lines and the trimmed address, and a note only when given', () => {
    expect(orderBody(c, { name: ' 张三 ', phone: '138 0000 0000', address: ' 兰州市 ' }, '  ')).toEqual({
      lines: [{ product_id: 7, quantity: 2 }, { product_id: 9, quantity: 3 }],
      ship_to: { name: '张三', phone: '138 0000 0000', address: '兰州市' },
    });
    expect(orderBody(c, { name: 'a', phone: '12345', address: 'b' }, ' 放门口 ').note).toBe('放门口');
  });
  test('finds the product of a line the server names', () => {
    const body = orderBody(c, { name: 'a', phone: '12345', address: 'b' });
    expect(productOfField('lines[1].quantity', body)).toBe(9);
    expect(productOfField('lines[0].product_id', body)).toBe(7);
    expect(productOfField('lines[5].quantity', body)).toBe(null);
    expect(productOfField('ship_to.phone', body)).toBe(null);
    expect(productOfField(undefined, body)).toBe(null);
  });
  test('takes what was ordered out of the cart', () => {
    const body = { lines: [{ product_id: 7, quantity: 2 }, { product_id: 9, quantity: 1 }] };
    expect(removeOrdered(c, body).lines.map((l) => [l.product_id, l.quantity])).toEqual([[9, 2]]);
  });
});
