import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ApiError } from '../src/lib/api.js';
import { classify, createOutbox, KEEP_SENT, outboxKey, watchNetwork } from '../src/lib/outbox.js';

const KEY = outboxKey('outlet');
const offline = () => new ApiError(0, 'offline', 'network');
const lot = (n) => ({ kind: 'lot', path: '/lots', body: { quantity: n }, summary: { quantity: n }, draft: { quantity: String(n) } });

// A server reached through a link that is up or down: records every request
// with its key, and makes one lot per key the first time it sees the key.
function fakeServer() {
  const server = { up: true, requests: [], lots: new Map(), refuse: null };
  server.send = vi.fn(async (entry) => {
    if (!server.up) throw offline();
    server.requests.push({ key: entry.id, body: entry.body });
    if (server.refuse) throw server.refuse;
    if (!server.lots.has(entry.id)) server.lots.set(entry.id, { id: server.lots.size + 1, trace_code: 'LX' + entry.id.slice(0, 10) });
    return server.lots.get(entry.id);
  });
  return server;
}

let n = 0;
const newKey = () => 'key-' + String(++n).padStart(4, '0') + '-abcdef';

describe('the outbox', () => {
  beforeEach(() => {
    localStorage.clear();
    n = 0;
  });

  test('a failed send without an answer waits, keeps its key, and is sent once when the link is back', async () => {
    const server = fakeServer();
    server.up = false;
    const box = createOutbox({ key: KEY, send: server.send, newKey });
    const entry = box.add(lot(30));
    await box.flush();
    expect(box.get(entry.id).state).toBe('waiting');
    expect(box.get(entry.id).error.kind).toBe('offline');
    await box.flush();
    expect(box.get(entry.id).attempts).toBe(2);

    server.up = true;
    await box.flush();
    const sent = box.get(entry.id);
    expect(sent.state).toBe('sent');
    expect(sent.result).toEqual(server.lots.get(entry.id));
    expect(server.requests).toEqual([{ key: entry.id, body: { quantity: 30 } }]);
    await box.flush();
    expect(server.send).toHaveBeenCalledTimes(3); // two without a link, one that arrived; nothing after
  });

  test('every retry of an entry carries the same key', async () => {
    const server = fakeServer();
    // the request arrives but its answer is lost twice
    let lost = 2;
    const send = async (e) => {
      const r = await server.send(e);
      if (lost-- > 0) throw offline();
      return r;
    };
    const box = createOutbox({ key: KEY, send, newKey });
    const entry = box.add(lot(5));
    await box.flush();
    await box.flush();
    await box.flush();
    expect(server.requests.map((r) => r.key)).toEqual([entry.id, entry.id, entry.id]);
    expect(server.lots.size).toBe(1);
    expect(box.get(entry.id).state).toBe('sent');
  });

  test('entries survive a reload, and one cut off while sending is sent again', async () => {
    const server = fakeServer();
    server.up = false;
    const first = createOutbox({ key: KEY, send: server.send, newKey });
    const a = first.add(lot(1));
    const b = first.add(lot(2));
    await first.flush();
    // as if the page closed in the middle of a send
    const saved = JSON.parse(localStorage.getItem(KEY));
    saved.items[0].state = 'sending';
    localStorage.setItem(KEY, JSON.stringify(saved));

    server.up = true;
    const again = createOutbox({ key: KEY, send: server.send, newKey });
    expect(again.list().map((e) => [e.id, e.state])).toEqual([[a.id, 'waiting'], [b.id, 'waiting']]);
    await again.flush();
    expect(server.requests.map((r) => r.key)).toEqual([a.id, b.id]); // in the order they were made
    expect(again.list().every((e) => e.state === 'sent')).toBe(true);
  });

  test('two tabs of one account keep each other\'s entries', async () => {
    const server = fakeServer();
    server.up = false;
    const tabA = createOutbox({ key: KEY, send: server.send, newKey });
    const tabB = createOutbox({ key: KEY, send: server.send, newKey }); // opened before A queued anything
    const x = tabA.add(lot(1));
    const y = tabB.add(lot(2)); // B writes after A: A's entry must survive
    const stored = JSON.parse(localStorage.getItem(KEY)).items.map((e) => e.id);
    expect(stored).toContain(x.id);
    expect(stored).toContain(y.id);
    tabB.remove(y.id);
    tabA.add(lot(3)); // A writes after B removed y, which A never held: y stays removed
    const after = JSON.parse(localStorage.getItem(KEY)).items.map((e) => e.id);
    expect(after).toContain(x.id);
    expect(after).not.toContain(y.id);
  });

  test('a refusal marks the entry failed with the server\'s message and does not hold up the others', async () => {
    const server = fakeServer();
    const box = createOutbox({ key: KEY, send: server.send, newKey });
    server.refuse = new ApiError(400, 'invalid_argument', 'the households supplied 31 units in all, the lot has 30', 'households');
    const bad = box.add(lot(30));
    const good = box.add(lot(40));
    const sending = box.flush();
    server.refuse = null; // only the first request is refused
    await sending;
    expect(box.get(bad.id)).toMatchObject({ state: 'failed', error: { status: 400, field: 'households',
      message: 'the households supplied 31 units in all, the lot has 30', kind: 'refused' } });
    expect(box.get(good.id).state).toBe('sent');
    await box.flush();
    expect(server.requests).toHaveLength(2); // a failed entry is not retried by itself

    await box.retry(bad.id); // a person asks for it
    expect(box.get(bad.id).state).toBe('sent');
    expect(server.requests.map((r) => r.key)).toEqual([bad.id, good.id, bad.id]);
  });

  test('a busy server or an ended session leaves the entry waiting, not failed', async () => {
    for (const status of [401, 429, 503]) {
      localStorage.clear();
      const box = createOutbox({ key: KEY, newKey, send: async () => { throw new ApiError(status, 'x', 'try later'); } });
      const e = box.add(lot(1));
      await box.flush();
      expect(box.get(e.id).state, String(status)).toBe('waiting');
      expect(box.get(e.id).error.kind).toBe('later');
    }
    expect(classify(new ApiError(409, 'conflict', 'x'))).toBe('refused');
    expect(classify(new ApiError(422, 'invalid_argument', 'key used'))).toBe('refused');
    expect(classify(Object.assign(new Error('t'), { name: 'TimeoutError' }))).toBe('offline');
  });

  test('flushes asked for at once make one run: nothing is sent twice', async () => {
    const server = fakeServer();
    let release;
    const gate = new Promise((r) => (release = r));
    const send = async (e) => {
      await gate;
      return server.send(e);
    };
    const box = createOutbox({ key: KEY, send, newKey });
    const a = box.add(lot(1));
    const runs = [box.flush(), box.flush(), box.flush()];
    const b = box.add(lot(2)); // added while the run is under way
    box.flush();
    release();
    await Promise.all(runs);
    await box.flush();
    expect(server.requests.map((r) => r.key)).toEqual([a.id, b.id]);
  });

  test('tells every change, and keeps only the latest sent entries', async () => {
    const server = fakeServer();
    const seen = [];
    let clock = 0;
    const box = createOutbox({ key: KEY, send: server.send, newKey, now: () => ++clock, onChange: (l) => seen.push(l.map((e) => e.state)) });
    for (let i = 0; i < KEEP_SENT + 2; i++) box.add(lot(i));
    await box.flush();
    expect(box.list()).toHaveLength(KEEP_SENT);
    expect(box.list().map((e) => e.body.quantity)).toEqual([2, 3, 4, 5, 6]);
    expect(seen.some((s) => s.includes('sending'))).toBe(true);
    box.remove(box.list()[0].id);
    expect(seen.at(-1)).toHaveLength(KEEP_SENT - 1);
    expect(JSON.parse(localStorage.getItem(KEY)).items).toHaveLength(KEEP_SENT - 1);
  });
});

describe('watching the network', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('the online event sends at once; a timer retries while entries wait; stopping ends both', async () => {
    const target = new EventTarget();
    const box = { flush: vi.fn(async () => {}), waiting: vi.fn(() => 1) };
    let online = true;
    const stop = watchNetwork(box, { target, every: 1000, isOnline: () => online });
    target.dispatchEvent(new Event('online'));
    expect(box.flush).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    expect(box.flush).toHaveBeenCalledTimes(2);
    online = false; // the browser knows the link is down: no point trying
    vi.advanceTimersByTime(3000);
    expect(box.flush).toHaveBeenCalledTimes(2);
    online = true;
    box.waiting.mockReturnValue(0); // nothing waits
    vi.advanceTimersByTime(3000);
    expect(box.flush).toHaveBeenCalledTimes(2);
    stop();
    box.waiting.mockReturnValue(1);
    target.dispatchEvent(new Event('online'));
    vi.advanceTimersByTime(5000);
    expect(box.flush).toHaveBeenCalledTimes(2);
  });
});
