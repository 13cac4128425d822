import { beforeEach, describe, expect, it } from "vitest";
import { clearDraft, DRAFT_MAX_AGE_MS, draftKey, draftKeysOf, hasUnsentText, loadDraft, markUnsent, saveDraft } from "./drafts.ts";

class MemoryStorage {
  map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const scope = { userId: "u1", groupId: "g1", day: 3 };

describe("drafts", () => {
  let storage: MemoryStorage;
  beforeEach(() => {
    storage = new MemoryStorage();
  });

  it("keys drafts by person, group, day and target", () => {
    const keys = new Set([
      draftKey(scope, { mode: "post", passageKey: "p1" }),
      draftKey(scope, { mode: "reply", parentId: "p1" }),
      draftKey(scope, { mode: "edit", commentId: "p1" }),
      draftKey({ ...scope, day: 4 }, { mode: "post", passageKey: "p1" }),
      draftKey({ ...scope, groupId: "g2" }, { mode: "post", passageKey: "p1" }),
      draftKey({ ...scope, userId: "u2" }, { mode: "post", passageKey: "p1" }),
    ]);
    expect(keys.size).toBe(6);
  });

  it("keeps and restores text, kind and quote", () => {
    const key = draftKey(scope, { mode: "post", passageKey: "p1" });
    const quote = { passageKey: "p1", readingId: "r1", exact: "the log", start: 4, end: 11 };
    saveDraft(storage, key, { body: "Why @sam?", kind: "question", quote }, 1000);
    expect(loadDraft(storage, key, 2000)).toEqual({ body: "Why @sam?", kind: "question", quote, savedAt: 1000 });
  });

  it("removes an empty draft instead of keeping it", () => {
    const key = draftKey(scope, { mode: "reply", parentId: "c1" });
    saveDraft(storage, key, { body: "x" });
    saveDraft(storage, key, { body: "   " });
    expect(storage.length).toBe(0);
    expect(loadDraft(storage, key)).toBeNull();
  });

  it("clears a draft, and lists a person's drafts", () => {
    const a = draftKey(scope, { mode: "post", passageKey: "p1" });
    const b = draftKey(scope, { mode: "reply", parentId: "c1" });
    const other = draftKey({ ...scope, userId: "u2" }, { mode: "post", passageKey: "p1" });
    for (const key of [a, b, other]) saveDraft(storage, key, { body: "text" });
    expect(draftKeysOf(storage, "u1").sort()).toEqual([a, b].sort());
    clearDraft(storage, a);
    expect(loadDraft(storage, a)).toBeNull();
    expect(loadDraft(storage, b)?.body).toBe("text");
  });

  it("drops drafts too old or not readable", () => {
    const key = draftKey(scope, { mode: "post", passageKey: "p1" });
    saveDraft(storage, key, { body: "old" }, 0);
    expect(loadDraft(storage, key, DRAFT_MAX_AGE_MS + 1)).toBeNull();
    expect(storage.length).toBe(0);
    storage.setItem(key, "{not json");
    expect(loadDraft(storage, key)).toBeNull();
    storage.setItem(key, JSON.stringify({ body: "x", savedAt: Date.now(), quote: { exact: 1 } }));
    expect(loadDraft(storage, key)?.quote).toBeNull();
  });

  it("works without storage and survives a storage that throws", () => {
    expect(loadDraft(null, "k")).toBeNull();
    const throwing = { ...new MemoryStorage(), length: 0, key: () => null, getItem: () => null, removeItem: () => {}, setItem: () => { throw new Error("quota"); } };
    expect(() => saveDraft(throwing, "k", { body: "x" })).not.toThrow();
  });

  it("tracks unsent text per composer", () => {
    markUnsent("a", true);
    markUnsent("b", true);
    markUnsent("a", false);
    expect(hasUnsentText()).toBe(true);
    markUnsent("b", false);
    expect(hasUnsentText()).toBe(false);
  });
});
