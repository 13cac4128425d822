-- Full-text search over passages (hand-written: Prisma's schema has no tsvector).
-- A generated column that Prisma's client never selects, with a GIN index.
ALTER TABLE "Passage"
    ADD COLUMN "searchVector" tsvector
    GENERATED ALWAYS AS (to_tsvector('english', "text")) STORED;

CREATE INDEX "Passage_searchVector_idx" ON "Passage" USING GIN ("searchVector");
