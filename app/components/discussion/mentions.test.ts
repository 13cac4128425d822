import { describe, expect, it } from "vitest";
import { insertMention, matchMembers, mentionQuery, unknownMentions } from "./mentions.ts";

const members = [
  { id: "1", displayName: "Mira (moderator)", handle: "mira" },
  { id: "2", displayName: "Sam (member)", handle: "sam" },
  { id: "3", displayName: "Zoë Ångström", handle: "zoe" },
  { id: "4", displayName: "Samira Khan", handle: "skhan" },
];

describe("mentionQuery", () => {
  it("finds the @word before the caret", () => {
    expect(mentionQuery("Hi @sa", 6)).toEqual({ start: 3, query: "sa" });
    expect(mentionQuery("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionQuery("line\n@m", 7)).toEqual({ start: 5, query: "m" });
  });
  it("ignores e-mail addresses, finished words and code spans", () => {
    expect(mentionQuery("mail me@example", 15)).toBeNull();
    expect(mentionQuery("Hi @sam there", 13)).toBeNull();
    expect(mentionQuery("run `@sa", 8)).toBeNull();
  });
});

describe("matchMembers", () => {
  it("matches handles first, then words of names, accents folded", () => {
    expect(matchMembers(members, "sam").map((m) => m.handle)).toEqual(["sam", "skhan"]);
    expect(matchMembers(members, "ang").map((m) => m.handle)).toEqual(["zoe"]);
    expect(matchMembers(members, "").length).toBe(4);
    expect(matchMembers(members, "", 2).length).toBe(2);
  });
});

describe("insertMention", () => {
  it("replaces the @word with the handle and a space", () => {
    expect(insertMention("Hi @sa", 3, 6, "sam")).toEqual({ text: "Hi @sam ", caret: 8 });
    expect(insertMention("Hi @sa, ok", 3, 6, "sam")).toEqual({ text: "Hi @sam, ok", caret: 7 });
    expect(insertMention("Hi @sa there", 3, 6, "sam")).toEqual({ text: "Hi @sam there", caret: 8 });
  });
});

describe("unknownMentions", () => {
  it("lists the handles that name nobody", () => {
    expect(unknownMentions("@sam and @nobody, also @Mira and @ghost.", new Set(["sam", "mira"]))).toEqual(["nobody", "ghost"]);
    expect(unknownMentions("mail me@example.org", new Set())).toEqual([]);
  });
});
