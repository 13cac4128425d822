/**
 * Content only the benchmark needs: a one-day course whose lesson has 300 passages, imported through
 * the real importer into the benchmark's throw-away database.
 */
import { parseImportBuffers } from "~/content/import-set.ts";
import { openDatabase } from "~/db/client.server.ts";
import { importContent } from "~/models/content.server.ts";

export const BENCH_LESSON_PATH = "/courses/bench-long-lesson/day/1";
export const BENCH_LESSON_MARKER = "Passage 300 closes the long lesson";

const WORDS = "log page write crash replay commit durable buffer checkpoint record order flush disk memory reader group margin".split(" ");

function sentence(seed: number, length: number): string {
  const words = Array.from({ length }, (_, index) => WORDS[(seed * 7 + index * 3) % WORDS.length]!);
  return `${words.join(" ")}.`.replace(/^./, (first) => first.toUpperCase());
}

/** 300 passages: a heading every 20, list items in runs, paragraphs of two to four sentences. */
export function longLessonMarkdown(): string {
  const lines = ["---", "course: bench-long-lesson", "courseTitle: Benchmark course", "days: 1", "day: 1", "title: A lesson of three hundred passages", "kind: lesson", "---", ""];
  for (let index = 1; index <= 300; index += 1) {
    if (index === 300) lines.push(`${BENCH_LESSON_MARKER}, number ${index}.`, "");
    else if (index % 20 === 1) lines.push(`## Section ${Math.ceil(index / 20)}`, "");
    else if (index % 10 === 5) lines.push(`- ${sentence(index, 9)} Item ${index}.`, "");
    else lines.push(`${sentence(index, 12)} ${sentence(index + 1, 10)} Passage ${index}.`, "");
  }
  return lines.join("\n");
}

export async function seedBenchContent(databaseUrl: string) {
  const file = databaseUrl.slice("file:".length);
  const database = await openDatabase({ provider: "sqlite", url: databaseUrl, file });
  try {
    const set = parseImportBuffers([{ name: "long-lesson.md", data: new TextEncoder().encode(longLessonMarkdown()) }]);
    const result = await importContent(database.db, set);
    const passages = result.readings[0]?.passages ?? 0;
    if (passages !== 300) throw new Error(`the long lesson has ${passages} passages, not 300`);
  } finally {
    await database.close();
  }
}
