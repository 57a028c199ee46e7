// The one way the UI talks to the server: JSON over fetch, the session
// cookie sent by the browser, the CSRF token on every write, and errors as
// ApiError (status, code, message, field) with the server's own sentence.
import { session } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
  // True when the request never reached the server or got no answer: a dropped
  // rural connection. Such a write may be retried with the same idempotency key.
  get offline() {
    return this.status === 0;
  }
}

// Builds "/api/v1/path?k=v" leaving out empty values.
export function apiUrl(path, params = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') query.set(k, String(v));
  }
  const q = query.toString();
  return `/api/v1${path}${q ? `?${q}` : ''}`;
}

// A key for one user action that must happen once (an order, a lot taken in):
// sent as Idempotency-Key, so a retried request is not applied twice.
export function idempotencyKey() {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function request(method, path, { params, body, headers = {}, raw = false, signal } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers }, signal };
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      init.body = body;
    } else {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  if (method !== 'GET' && session.csrf) init.headers['X-CSRF-Token'] = session.csrf;
  let response;
  try {
    response = await fetch(apiUrl(path, params), init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'offline', 'network', undefined);
  }
  if (response.status === 401 && path !== '/session') session.expired();
  if (!response.ok) {
    let error = {};
    try {
      error = (await response.json()).error || {};
    } catch {
      // not JSON: a proxy's page
    }
    const retry = Number(response.headers.get('Retry-After')) || undefined;
    throw new ApiError(response.status, error.code || 'http_' + response.status, error.message || response.statusText,
      error.field, retry);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

export const api = {
  get: (path, params, opts = {}) => request('GET', path, { ...opts, params }),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
  del: (path, opts = {}) => request('DELETE', path, opts),
};
