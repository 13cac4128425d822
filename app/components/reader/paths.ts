export function dayPath(courseSlug: string, day: number) {
  return `/courses/${courseSlug}/day/${day}`;
}

/** The element id of a passage, and so its fragment: `#p-<key>`. */
export function passageId(key: string) {
  return `p-${key}`;
}

export function readingId(slug: string) {
  return `reading-${slug}`;
}
