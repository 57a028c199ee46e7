import { beforeEach, describe, expect, test } from 'vitest';
import { clearDraft, draftKey, loadDraft, saveDraft } from '../src/lib/drafts.js';

// A Storage that refuses to store, as a full or private-mode browser does.
const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem() {} };

describe('drafts', () => {
  beforeEach(() => localStorage.clear());

  test('each user has a draft of their own', () => {
    expect(draftKey('lot', 'outlet')).not.toBe(draftKey('lot', 'county'));
    saveDraft(draftKey('lot', 'outlet'), { quantity: '30' }, { now: 1000 });
    expect(loadDraft(draftKey('lot', 'outlet'))).toEqual({ data: { quantity: '30' }, savedAt: 1000 });
    expect(loadDraft(draftKey('lot', 'county'))).toBeNull();
  });

  test('the latest change wins, and survives a new page (a new read of the storage)', () => {
    const key = draftKey('lot', 'outlet');
    saveDraft(key, { quantity: '3' });
    saveDraft(key, { quantity: '30', households: [{ household_id: 5 }] });
    const raw = localStorage.getItem(key);
    localStorage.clear();
    localStorage.setItem(key, raw);
    expect(loadDraft(key).data).toEqual({ quantity: '30', households: [{ household_id: 5 }] });
  });

  test('a form back to blank leaves no draft behind', () => {
    const key = draftKey('lot', 'outlet');
    const blank = { quantity: '', grade: '' };
    saveDraft(key, { quantity: '30', grade: '' }, { blank });
    expect(loadDraft(key)).not.toBeNull();
    saveDraft(key, { quantity: '', grade: '' }, { blank });
    expect(loadDraft(key)).toBeNull();
    expect(localStorage.getItem(key)).toBeNull();
  });

  test('clearing removes it; unreadable or foreign content reads as no draft', () => {
    const key = draftKey('lot', 'outlet');
    saveDraft(key, { quantity: '30' });
    clearDraft(key);
    expect(loadDraft(key)).toBeNull();
    localStorage.setItem(key, '{not json');
    expect(loadDraft(key)).toBeNull();
    localStorage.setItem(key, JSON.stringify({ v: 99, data: { quantity: '1' } }));
    expect(loadDraft(key)).toBeNull();
  });

  test('a browser that refuses to store says so instead of throwing', () => {
    expect(saveDraft('k', { a: 1 }, { storage: full })).toBe(false);
    expect(loadDraft('k', full)).toBeNull();
    expect(() => clearDraft('k', full)).not.toThrow();
  });
});
