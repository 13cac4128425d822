/** Finds mentions of other days in passage text ("Day 31", "Yesterday's", "last week") so the reader can link them. */

export interface DayReference {
  /** UTF-16 offsets into the text: `text.slice(start, end)` is the words to link. */
  start: number;
  end: number;
  day: number;
  /** How the link names its target, e.g. `Day 31`. */
  label: string;
}

/** Relative mentions and how many days they point back (−) or ahead (+). Vaguer ones ("earlier this week") are left alone. */
const RELATIVE_OFFSETS: Record<string, number> = {
  "the day before yesterday": -2,
  "the day after tomorrow": 2,
  yesterday: -1,
  tomorrow: 1,
  "last week": -7,
  "next week": 7,
};

// Longer phrases first so that "the day before yesterday" is not read as "yesterday".
const RELATIVE_PATTERN = Object.keys(RELATIVE_OFFSETS)
  .sort((a, b) => b.length - a.length)
  .map((phrase) => phrase.replace(/ /g, "\\s+"))
  .join("|");

/** Whole words only: "Day 3" must not match inside "Day 31", nor "tomorrow" inside "tomorrows". */
const REFERENCE = new RegExp(`(?<![\\p{L}\\p{N}])(?:day\\s+(\\d{1,4})|(${RELATIVE_PATTERN}))(?![\\p{L}\\p{N}])`, "giu");

/** References to days within 1..dayCount other than `currentDay`, in text order. */
export function findDayReferences(text: string, currentDay: number, dayCount: number): DayReference[] {
  const references: DayReference[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    const [words, number, relative] = match;
    const day = number !== undefined ? Number(number) : currentDay + relativeOffset(relative ?? "");
    if (day < 1 || day > dayCount || day === currentDay) continue;
    references.push({ start: match.index, end: match.index + words.length, day, label: `Day ${day}` });
  }
  return references;
}

function relativeOffset(phrase: string): number {
  return RELATIVE_OFFSETS[phrase.toLowerCase().replace(/\s+/g, " ")] ?? 0;
}
