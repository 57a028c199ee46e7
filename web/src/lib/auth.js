// Signing in and out, and recovering the session after a reload.
import { api } from './api.js';
import { session } from './session.js';
import { DRAFT_KEY } from './shop-checkout.js';
import { CART_KEY } from './cart.js';

export async function loadSession() {
  try {
    session.set(await api.get('/session'));
  } catch (e) {
    if (e.status === 401) {
      session.set(null);
    } else {
      session.loaded = true;
      throw e;
    }
  }
}

export async function signIn(username, password) {
  const data = await api.post('/session', { username, password });
  session.set(data);
  session.expiredAt = 0;
  return data.user;
}

// What one person leaves in the browser that the next on a shared phone must
// not find: the address typed at checkout and the cart. (Lots waiting in the
// outlet's outbox stay: sending them later is the outbox's point, kept per user.)
const PERSONAL = [
  ['sessionStorage', DRAFT_KEY],
  ['localStorage', CART_KEY],
];

function forgetPersonal() {
  for (const [area, key] of PERSONAL) {
    try {
      globalThis[area]?.removeItem(key);
    } catch {
      // storage disabled: nothing kept
    }
  }
}

// Ends the session on the server first: when that fails (no connection), the
// session cookie would still open the next visit, so the page stays signed in
// and the error goes to the caller. A session already ended (401) is fine.
export async function signOut() {
  try {
    await api.del('/session');
  } catch (e) {
    if (e.status !== 401) throw e;
  }
  session.set(null);
  forgetPersonal();
}
