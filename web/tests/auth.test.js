// Signing out: the server's session ends first; with no connection the page
// stays signed in (the cookie would open the next visit), and a signed-out
// browser keeps neither the checkout address nor the cart for the next person.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { signOut } from '../src/lib/auth.js';
import { session } from '../src/lib/session.js';
import { DRAFT_KEY } from '../src/lib/shop-checkout.js';
import { CART_KEY } from '../src/lib/cart.js';

const user = { user: { username: 'buyer', role: 'buyer', region: { code: '622900000000' } }, csrf_token: 't' };

afterEach(() => {
  vi.unstubAllGlobals();
  session.set(null);
  sessionStorage.clear();
  localStorage.clear();
});

describe('sign-out', () => {
  test('without a connection the page stays signed in and keeps its data', async () => {
    session.set(user);
    sessionStorage.setItem(DRAFT_KEY, '{"name":"马老师"}');
    vi.stubGlobal('fetch', vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }));
    await expect(signOut()).rejects.toMatchObject({ offline: true });
    expect(session.user?.username).toBe('buyer');
    expect(sessionStorage.getItem(DRAFT_KEY)).not.toBeNull();
  });

  test('once the server ended the session, the address and the cart are gone', async () => {
    session.set(user);
    sessionStorage.setItem(DRAFT_KEY, '{"name":"马老师","phone":"13800000000"}');
    localStorage.setItem(CART_KEY, '[{"product_id":1,"quantity":2}]');
    localStorage.setItem('fupin.lang', 'en');
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })));
    await signOut();
    expect(session.user).toBeNull();
    expect(sessionStorage.getItem(DRAFT_KEY)).toBeNull();
    expect(localStorage.getItem(CART_KEY)).toBeNull();
    expect(localStorage.getItem('fupin.lang')).toBe('en');
  });

  test('a session the server had already ended counts as signed out', async () => {
    session.set(user);
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"error":{"code":"unauthenticated","message":"x"}}',
      { status: 401 })));
    await signOut();
    expect(session.user).toBeNull();
  });
});
