-- Full-text search over passages (hand-written: Prisma's schema has no FTS5).
-- An external-content FTS5 table over "Passage", kept in step by triggers. It is keyed by rowid:
-- after a VACUUM, rebuild it with INSERT INTO "PassageSearch"("PassageSearch") VALUES('rebuild').
CREATE VIRTUAL TABLE "PassageSearch" USING fts5(
    "text",
    content = 'Passage',
    content_rowid = 'rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO "PassageSearch" ("rowid", "text") SELECT "rowid", "text" FROM "Passage";

CREATE TRIGGER "Passage_search_insert" AFTER INSERT ON "Passage" BEGIN
    INSERT INTO "PassageSearch" ("rowid", "text") VALUES (new."rowid", new."text");
END;

CREATE TRIGGER "Passage_search_delete" AFTER DELETE ON "Passage" BEGIN
    INSERT INTO "PassageSearch" ("PassageSearch", "rowid", "text") VALUES ('delete', old."rowid", old."text");
END;

CREATE TRIGGER "Passage_search_update" AFTER UPDATE OF "text" ON "Passage" BEGIN
    INSERT INTO "PassageSearch" ("PassageSearch", "rowid", "text") VALUES ('delete', old."rowid", old."text");
    INSERT INTO "PassageSearch" ("rowid", "text") VALUES (new."rowid", new."text");
END;
