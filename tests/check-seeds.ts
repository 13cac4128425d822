/**
 * CI's check against the real sample documents (../shared/seeds): they are read from there, never
 * copied into the repository. Imports them with the project's manifest into a throw-away database and
 * checks what issue 3 promises. Records its outcome in the run's summary.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkSampleDocuments } from "~/content/seeds-check.ts";
import { loadImportSet } from "~/content/load.server.ts";
import { prepareDatabase } from "~/db/prepare.server.ts";
import { importContent } from "~/models/content.server.ts";
import { createLogger } from "~/server/logger.server.ts";
import { recordResult } from "./summary.ts";

const rootDir = path.resolve(import.meta.dirname, "..");
const seeds = path.resolve(process.argv[2] ?? path.join(rootDir, "..", "shared", "seeds"));
const manifest = path.join(rootDir, "docs", "examples", "day-32-manifest.yaml");
const LESSON = "000_1cee11de638150ad.txt";
const SUMMARY = "002_59c31d94618878a5.txt";

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const work = mkdtempSync(path.join(tmpdir(), "marginalia-seeds-"));
const dbFile = path.join(work, "seeds.db");
mkdirSync(work, { recursive: true });
const database = await prepareDatabase({ provider: "sqlite", url: `file:${dbFile}`, file: dbFile }, { rootDir, logger: createLogger("warn") });
const { db } = database;

async function day32() {
  const readings = await db.reading.findMany({
    where: { lesson: { day: 32, course: { slug: "alignment-sixty-days" } } },
    include: { currentRevision: { include: { passages: { orderBy: { position: "asc" } } } }, lesson: { include: { course: true } } },
    orderBy: { position: "asc" },
  });
  return readings;
}

const checks: [string, () => Promise<void> | void][] = [
  ["both formats parse as documented (checker of app/content/seeds-check.ts)", () => void checkSampleDocuments(seeds)],
  [
    "import lands both documents as the two readings of Day 32 of a 60-day course",
    async () => {
      await importContent(db, await loadImportSet([seeds], { manifestPath: manifest }));
      const readings = await day32();
      assert(readings.length === 2, `expected 2 readings on Day 32, found ${readings.length}`);
      assert(readings[0]!.lesson.course.dayCount === 60, "the course is not 60 days long");
      assert(readings.map((reading) => reading.kind).join(",") === "lesson,summary", "readings are not lesson + summary");
    },
  ],
  [
    "the prompt is recognised; every heading and list item of the summary is its own passage",
    async () => {
      const [lesson, summary] = await day32();
      const lessonPassages = lesson!.currentRevision!.passages;
      assert(lessonPassages.filter((passage) => passage.kind === "prompt").length === 1, "the lesson has no single prompt");
      const source = readFileSync(path.join(seeds, SUMMARY), "utf8").split(/\r?\n/).map((line) => line.trim());
      const listItems = source.filter((line) => line === "-" || line.startsWith("- ")).length;
      const passages = summary!.currentRevision!.passages;
      assert(passages.filter((passage) => passage.kind === "list-item").length === listItems, `expected ${listItems} list items`);
      assert(passages.filter((passage) => passage.kind === "heading").length >= 8, "fewer than 8 headings");
    },
  ],
  [
    "re-importing the unchanged documents is a no-op",
    async () => {
      const revisions = await db.readingRevision.count();
      const result = await importContent(db, await loadImportSet([seeds], { manifestPath: manifest }));
      assert(result.readings.every((reading) => reading.status === "unchanged"), "a reading was not unchanged");
      assert((await db.readingRevision.count()) === revisions, "a revision was created");
    },
  ],
  [
    "editing one sentence and re-importing keeps every other passage's key",
    async () => {
      const copy = path.join(work, "copy");
      mkdirSync(copy);
      cpSync(path.join(seeds, LESSON), path.join(copy, LESSON));
      cpSync(path.join(seeds, SUMMARY), path.join(copy, SUMMARY));
      const [before] = await day32();
      const target = before!.currentRevision!.passages.find((passage) => passage.kind === "paragraph" && /\.\s/.test(passage.text))!;
      const firstSentence = target.text.slice(0, target.text.indexOf(". ") + 1);
      const text = readFileSync(path.join(copy, LESSON), "utf8");
      assert(text.includes(firstSentence), "could not find a sentence to edit");
      writeFileSync(path.join(copy, LESSON), text.replace(firstSentence, firstSentence.replace(/\.$/, ", as we saw.")));
      await importContent(db, await loadImportSet([copy], { manifestPath: manifest }));
      const [after] = await day32();
      assert(after!.currentRevision!.number === before!.currentRevision!.number + 1, "no new revision");
      const beforeKeys = before!.currentRevision!.passages.map((passage) => passage.key);
      const afterKeys = after!.currentRevision!.passages.map((passage) => passage.key);
      assert(JSON.stringify(beforeKeys) === JSON.stringify(afterKeys), "passage keys changed");
      const edited = after!.currentRevision!.passages.filter((passage) => passage.matchedBy !== "exact");
      assert(edited.length === 1 && edited[0]!.key === target.key && edited[0]!.matchedBy === "edited", "the edited passage was not matched as edited");
    },
  ],
];

const started = Date.now();
let passed = 0;
let failed = 0;
console.log(`Sample documents in ${seeds}:`);
for (const [name, check] of checks) {
  try {
    await check();
    passed += 1;
    console.log(`  ✓ ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`  × ${name}\n    ${(error as Error).message.split("\n").join("\n    ")}`);
  }
}
await database.close();
rmSync(work, { recursive: true, force: true });
recordResult({ step: "sample documents (../shared/seeds)", ok: failed === 0, passed, failed, skipped: 0, seconds: (Date.now() - started) / 1000 });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
