// The fetch wrapper: the CSRF token on writes only, the server's error body
// turned into ApiError, a dropped connection marked offline, and a 401 ending
// the session held in the page.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { api, ApiError, apiUrl, idempotencyKey } from '../src/lib/api.js';
import { session } from '../src/lib/session.js';

function answer(status, body, headers = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  session.set(null);
});

describe('api', () => {
  test('sends the CSRF token on writes and not on reads', async () => {
    session.set({ user: { username: 'u', role: 'official', region: { code: '622900000000' } }, csrf_token: 'tok' });
    const calls = [];
    vi.stubGlobal('fetch', vi.fn(async (url, init) => {
      calls.push({ url, init });
      return answer(200, { ok: true });
    }));
    await api.get('/regions/tree', { depth: 2, root: '' });
    await api.post('/orders', { lines: [] }, { headers: { 'Idempotency-Key': 'k' } });
    expect(calls[0].url).toBe('/api/v1/regions/tree?depth=2');
    expect(calls[0].init.headers['X-CSRF-Token']).toBeUndefined();
    expect(calls[1].init.headers['X-CSRF-Token']).toBe('tok');
    expect(calls[1].init.headers['Idempotency-Key']).toBe('k');
    expect(calls[1].init.body).toBe('{"lines":[]}');
  });

  test('turns an error body into ApiError with the field and the wait', async () => {
    vi.stubGlobal('fetch', vi.fn(async () =>
      answer(429, { error: { code: 'too_many_requests', message: 'wait', field: 'username' } }, { 'Retry-After': '120' })));
    const e = await api.post('/session', {}).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(429);
    expect(e.code).toBe('too_many_requests');
    expect(e.field).toBe('username');
    expect(e.retryAfter).toBe(120);
    expect(e.offline).toBe(false);
  });

  test('marks a request that never got an answer as offline', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }));
    const e = await api.get('/products').catch((x) => x);
    expect(e.offline).toBe(true);
  });

  test('a 401 on a signed-in page ends the session held in the page', async () => {
    session.set({ user: { username: 'u', role: 'official', region: { code: '622900000000' } }, csrf_token: 'tok' });
    vi.stubGlobal('fetch', vi.fn(async () => answer(401, { error: { code: 'unauthenticated', message: 'expired' } })));
    await api.get('/indicators').catch(() => {});
    expect(session.user).toBeNull();
    expect(session.expiredAt).toBeGreaterThan(0);
  });

  test('idempotency keys are fresh and URLs leave out empty parameters', () => {
    const a = idempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(idempotencyKey()).not.toBe(a);
    expect(apiUrl('/x', { a: 0, b: '', c: null, d: 'é' })).toBe('/api/v1/x?a=0&d=%C3%A9');
  });
});
