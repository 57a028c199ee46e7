import { describe, expect, test } from 'vitest';
import { homeOf, mayOpen, navFor } from '../src/lib/roles.js';
import { signInMessage } from '../src/lib/messages.js';

describe('roles', () => {
  test('each role lands on its own page', () => {
    expect(homeOf('official')).toBe('dashboard');
    expect(homeOf('outlet_operator')).toBe('outlet');
    expect(homeOf('station_operator')).toBe('logistics');
    expect(homeOf('buyer')).toBe('shop');
  });
  test('buyers and suppliers do not see the dashboard or the registry', () => {
    for (const role of ['buyer', 'supplier']) {
      expect(mayOpen(role, 'dashboard')).toBe(false);
      expect(mayOpen(role, 'registry')).toBe(false);
    }
    expect(mayOpen('auditor', 'registry')).toBe(false);
    expect(mayOpen('buyer', 'shop')).toBe(true);
    expect(navFor('official')).toContain('dashboard');
    expect(navFor('buyer')).not.toContain('dashboard');
  });
});

describe('sign-in messages', () => {
  const t = (k, p) => (p ? `${k}:${JSON.stringify(p)}` : k);
  test('name the reason and the wait of a lock-out', () => {
    expect(signInMessage({ status: 401 }, t)).toBe('signIn.wrong');
    expect(signInMessage({ status: 429, retryAfter: 600 }, t)).toBe('signIn.locked:{"minutes":10}');
    expect(signInMessage({ status: 429 }, t)).toBe('signIn.locked:{"minutes":1}');
    expect(signInMessage({ status: 0, offline: true }, t)).toBe('signIn.offline');
    expect(signInMessage({ status: 503 }, t)).toBe('signIn.busy');
  });
});
