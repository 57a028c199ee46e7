// The one cart of the page, reactive, saved to localStorage on every change
// and kept in step with other tabs of the same shop.
import { ref } from 'vue';
import { CART_KEY, loadCart, saveCart } from './cart.js';

const storage = () => globalThis.localStorage;

export const cart = ref(loadCart(storage()));

// Applies `change` (a function from cart to cart, from cart.js) and saves the result.
export function updateCart(change) {
  cart.value = change(cart.value);
  saveCart(storage(), cart.value);
}

if (globalThis.window) {
  window.addEventListener('storage', (e) => {
    if (e.key === CART_KEY || e.key === null) cart.value = loadCart(storage());
  });
}
