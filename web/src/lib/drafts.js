// Forms being filled in, kept in the browser (localStorage) on every change,
// one per form and user, so that a reload, a closed tab or a dropped link
// never loses them. A draft equal to the blank form is not kept.
const VERSION = 1;

function store(storage) {
  if (storage) return storage;
  try {
    return globalThis.localStorage || null;
  } catch {
    return null; // storage disabled
  }
}

export function draftKey(form, username) {
  return `fupin.draft.${form}.${username || '-'}`;
}

// The saved form, or null when there is none (or it cannot be read).
export function loadDraft(key, storage) {
  const s = store(storage);
  if (!s) return null;
  try {
    const saved = JSON.parse(s.getItem(key));
    if (!saved || saved.v !== VERSION || typeof saved.data !== 'object' || saved.data === null) return null;
    return { data: saved.data, savedAt: saved.savedAt || 0 };
  } catch {
    return null;
  }
}

// Keeps the form (a plain object); a form equal to `blank` removes the draft.
// Returns false when the browser refused to store it (full, or private mode).
export function saveDraft(key, data, { blank, storage, now = Date.now() } = {}) {
  const s = store(storage);
  if (!s) return false;
  try {
    if (blank !== undefined && JSON.stringify(data) === JSON.stringify(blank)) {
      s.removeItem(key);
    } else {
      s.setItem(key, JSON.stringify({ v: VERSION, savedAt: now, data }));
    }
    return true;
  } catch {
    return false;
  }
}

export function clearDraft(key, storage) {
  const s = store(storage);
  if (!s) return;
  try {
    s.removeItem(key);
  } catch {
    // nothing kept, nothing to remove
  }
}
