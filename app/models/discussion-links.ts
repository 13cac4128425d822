/**
 * Which group's lesson a link to a day of a course opens, for one person. Every way into a lesson
 * (course page, "continue", /progress, search hits, notifications, home) asks this module, so they
 * all agree. Pure: app/models/discussion-links.server.ts reads the person's groups.
 *
 * A member of groups on the course gets the group's lesson (with its discussion), not the bare
 * reader: the group visited most recently first (its lesson pages: LessonVisit), else the one joined
 * most recently. A day the preferred group locks for this person opens in the next group that has it
 * open; when every group locks it, the link is the reader's (which refuses it the same way).
 */
export interface LessonGroup {
  id: string;
  name: string;
  /** The last day this person may open in this group (a locked schedule), or null for every day. */
  openThrough: number | null;
}

/** The groups in the order links prefer them: most recently visited, then most recently joined. */
export function orderGroups<T extends { lastVisitedAt: Date | null; joinedAt: Date; id: string }>(groups: readonly T[]): T[] {
  return [...groups].sort((a, b) => {
    if (a.lastVisitedAt && b.lastVisitedAt) return b.lastVisitedAt.getTime() - a.lastVisitedAt.getTime() || a.id.localeCompare(b.id);
    if (a.lastVisitedAt) return -1;
    if (b.lastVisitedAt) return 1;
    return b.joinedAt.getTime() - a.joinedAt.getTime() || a.id.localeCompare(b.id);
  });
}

export function isOpenIn(group: LessonGroup, day: number) {
  return group.openThrough === null || day <= group.openThrough;
}

/** The group whose lesson a link to `day` opens, or null for the bare reader. */
export function groupForDay(groups: readonly LessonGroup[], day: number): LessonGroup | null {
  return groups.find((group) => isOpenIn(group, day)) ?? null;
}

/** The groups in which `day` can be opened (the switcher), the preferred one first. */
export function groupsForDay(groups: readonly LessonGroup[], day: number): LessonGroup[] {
  return groups.filter((group) => isOpenIn(group, day));
}

export function readerHref(courseSlug: string, day: number, passageKey?: string | null) {
  return `/courses/${courseSlug}/day/${day}${passageKey ? `#p-${passageKey}` : ""}`;
}

/** A group's lesson; at a passage (`#p-`), or at a comment with its panel open (works without JS). */
export function groupLessonHref(groupId: string, day: number, at: { passageKey?: string | null; commentId?: string } = {}) {
  const base = `/groups/${groupId}/day/${day}`;
  if (at.commentId) {
    const params = new URLSearchParams();
    // ?open= opens the passage's panel; ?comment= lets the page find the panel itself when the
    // passage is no longer in the text (an earlier version's thread).
    if (at.passageKey) params.set("open", at.passageKey);
    params.set("comment", at.commentId);
    return `${base}?${params}#c-${at.commentId}`;
  }
  return `${base}${at.passageKey ? `#p-${at.passageKey}` : ""}`;
}

/** Where a link to `day` (optionally a passage) of the course goes for this person. */
export function lessonHref(groups: readonly LessonGroup[], courseSlug: string, day: number, passageKey?: string | null) {
  const group = groupForDay(groups, day);
  return group ? groupLessonHref(group.id, day, { passageKey }) : readerHref(courseSlug, day, passageKey);
}
