// Signing in and out, and recovering the session after a reload.
import { api } from './api.js';
import { session } from './session.js';

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

export async function signOut() {
  try {
    await api.del('/session');
  } finally {
    session.set(null);
  }
}
