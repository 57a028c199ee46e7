// Messages built from the server's errors, kept out of the pages so they can be tested alone.

// The message for a refused sign-in: wrong name or password, locked out (with
// the wait the server gives), busy, or no connection.
export function signInMessage(e, t) {
  if (e.offline) return t('signIn.offline');
  if (e.status === 401) return t('signIn.wrong');
  if (e.status === 429) return t('signIn.locked', { minutes: Math.max(1, Math.ceil((e.retryAfter || 60) / 60)) });
  if (e.status === 503) return t('signIn.busy');
  if (e.status === 400) return e.message;
  return t('signIn.failed', { message: e.message });
}
