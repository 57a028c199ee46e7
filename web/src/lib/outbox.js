// Writes that must reach the server once, kept in the browser (localStorage)
// until they do. Each entry carries its Idempotency-Key, made when it is added
// and sent unchanged on every retry, so a request that did arrive although
// its answer was lost is not applied twice. Entries are sent in order; a send
// that gets no answer (the link is down) or a passing refusal (busy server,
// session ended) leaves the entry waiting for the next try; a refusal of the
// request itself marks it failed, with the server's message, for a person.
import { idempotencyKey } from './api.js';

const VERSION = 1;
export const KEEP_SENT = 5; // sent entries kept to show their result

export function outboxKey(username) {
  return `fupin.outbox.${username || '-'}`;
}

// What a failed send means: 'offline' (no answer), 'later' (worth trying
// again as it is), or 'refused' (it will never pass as it is).
export function classify(error) {
  if (!error) return 'refused';
  if (error.status === 0 || error.name === 'TimeoutError' || error.name === 'AbortError') return 'offline';
  if ([401, 408, 429, 502, 503, 504].includes(error.status)) return 'later';
  return 'refused';
}

function copy(item) {
  return JSON.parse(JSON.stringify(item));
}

// storage: a Storage (localStorage); send(entry) → the server's answer or a
// thrown ApiError; onChange(entries) after every change.
export function createOutbox({ key, send, storage = globalThis.localStorage, newKey = idempotencyKey,
  now = () => Date.now(), onChange = () => {} }) {
  let items = read();
  let running = null;
  let again = false;
  const removed = new Set(); // ids this page removed: not taken back from storage

  function read() {
    try {
      const saved = JSON.parse(storage.getItem(key));
      if (!saved || saved.v !== VERSION || !Array.isArray(saved.items)) return [];
      // An entry whose send was cut short by a reload is sent again, with its key.
      return saved.items.map((i) => (i.state === 'sending' ? { ...i, state: 'waiting' } : i));
    } catch {
      return [];
    }
  }

  function write() {
    // Another tab of the same account may have queued entries since this one
    // read the storage: keep them (by id) instead of writing over them.
    const known = new Set(items.map((i) => i.id));
    for (const other of read()) {
      if (!known.has(other.id) && !removed.has(other.id)) items.push(other);
    }
    const sent = items.filter((i) => i.state === 'sent').sort((a, b) => b.sentAt - a.sentAt);
    const drop = new Set(sent.slice(KEEP_SENT).map((i) => i.id));
    items = items.filter((i) => !drop.has(i.id));
    try {
      storage.setItem(key, JSON.stringify({ v: VERSION, items }));
    } catch {
      // full or disabled: the entries live on in this page
    }
    onChange(list());
  }

  function list() {
    return items.map(copy);
  }

  function find(id) {
    return items.find((i) => i.id === id);
  }

  async function round() {
    const tried = new Set();
    for (;;) {
      const item = items.find((i) => i.state === 'waiting' && !tried.has(i.id));
      if (!item) return;
      tried.add(item.id);
      item.state = 'sending';
      item.attempts += 1;
      item.triedAt = now();
      write();
      try {
        const result = await send(copy(item));
        Object.assign(item, { state: 'sent', result, sentAt: now(), error: null, draft: null });
        write();
      } catch (e) {
        const kind = classify(e);
        item.error = { kind, status: e?.status ?? null, code: e?.code ?? null, message: e?.message || String(e),
          field: e?.field ?? null };
        item.state = kind === 'refused' ? 'failed' : 'waiting';
        write();
        // No answer, or a passing refusal: the entries after it would fare the same.
        if (kind !== 'refused') return;
      }
    }
  }

  const outbox = {
    list,
    get(id) {
      const item = find(id);
      return item ? copy(item) : null;
    },
    waiting() {
      return items.filter((i) => i.state === 'waiting').length;
    },
    // entry: {kind, path, body, summary, draft}; returns it with its id (the key).
    add(entry) {
      const item = { ...copy(entry), id: newKey(), state: 'waiting', attempts: 0, createdAt: now(), triedAt: null,
        sentAt: null, error: null, result: null };
      items.push(item);
      write();
      return copy(item);
    },
    remove(id) {
      removed.add(id);
      items = items.filter((i) => i.id !== id);
      write();
    },
    // Sends every waiting entry; one run at a time (a call during a run makes
    // the run look again once it ends). Resolves when nothing more can be sent now.
    flush() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            await round();
          } while (again);
        } finally {
          running = null;
        }
      })();
      return running;
    },
    // A failed entry tried once more as it is, with the same key.
    retry(id) {
      const item = find(id);
      if (item && item.state === 'failed') {
        item.state = 'waiting';
        item.error = null;
        write();
      }
      return outbox.flush();
    },
  };
  return outbox;
}

// Tries the waiting entries when the browser says it is online again, and
// every `every` ms while some wait (a link can come back without the event).
// Returns the function that stops watching.
export function watchNetwork(outbox, { target = globalThis.window, every = 30000,
  isOnline = () => globalThis.navigator?.onLine !== false } = {}) {
  const onOnline = () => outbox.flush();
  target.addEventListener('online', onOnline);
  const timer = setInterval(() => {
    if (outbox.waiting() > 0 && isOnline()) outbox.flush();
  }, every);
  return () => {
    target.removeEventListener('online', onOnline);
    clearInterval(timer);
  };
}
