/**
 * A group's lesson: the day's readings with the group's discussion in the margin. Threads anchor to a
 * passage (and optionally a quote made by selecting words), and everything works as plain forms
 * without JavaScript: every passage's panel is a link (`?open=<key>#p-<key>`) that renders it open
 * with its forms. With JavaScript the same forms go through fetchers (`_js=1`) and update in place.
 */
import type { LoaderFunctionArgs, SerializeFrom } from "@remix-run/node";
import type { ClientActionFunctionArgs, ClientLoaderFunctionArgs, MetaFunction, ShouldRevalidateFunction } from "@remix-run/react";
import { useLoaderData, useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { LessonEnd, LessonProgressBar } from "~/components/progress/lesson-progress.tsx";
import { ReadTracker } from "~/components/progress/read-tracker.tsx";
import { loadLessonProgress } from "~/models/progress.server.ts";
import { requiredDwellMs } from "~/models/progress-rules.ts";
import { randomSeed } from "~/components/discussion/ids.ts";
import { LessonDiscussion } from "~/components/discussion/lesson.tsx";
import { EARLIER_VERSION, type LessonData } from "~/components/discussion/types.ts";
import { buildLessonView } from "~/models/lesson-view.ts";
import { Announcer } from "~/components/reader/announcer.tsx";
import { DayHrefProvider } from "~/components/reader/links.tsx";
import { can } from "~/models/authz.ts";
import { editHistory, recordLessonVisit } from "~/models/discussion.server.ts";
import { keyAnswerWithTree, threadWithTrees, versionWithTree } from "~/models/comment-trees.server.ts";
import { FILTERS, type DiscussionFilter } from "~/models/discussion-rules.ts";
import { loadGroupLesson } from "~/models/group-lesson.server.ts";
import { isDayLocked } from "~/models/pace.ts";
import { parseDayParam, recordVisit } from "~/models/reader.server.ts";
import { discussionAction } from "~/utils/discussion-actions.server.ts";
import { latestLessonEvent } from "~/models/lesson-events.server.ts";
import { myVotes, runningSession, runningSessionView } from "~/models/live-session.server.ts";
import { LiveLesson, type LiveData } from "~/components/live/live-lesson.tsx";
import { requireGroupMember } from "~/utils/group-access.server.ts";
import { browserOffline, isOfflineResult, loadFailedToReach, serverOrOffline } from "~/utils/offline.ts";
import { passRetryAfter } from "~/utils/rate-limits.server.ts";

// A refused write says when to retry (Retry-After).
export const headers = passRetryAfter;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Day ${data.lesson.day}: ${data.lesson.title} · ${data.group.name}` : "Marginalia" },
];

const COMMENT_ID = /^[A-Za-z0-9_-]{1,40}$/;



export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { auth, group, role } = await requireGroupMember(context, request, params.groupId);
  const day = parseDayParam(params.day);
  if (!Number.isInteger(day)) throw new Response("There is no such day in this course.", { status: 404 });
  const url = new URL(request.url);
  const filterParam = url.searchParams.get("filter");
  const filter: DiscussionFilter = (FILTERS as readonly string[]).includes(filterParam ?? "") ? (filterParam as DiscussionFilter) : "all";
  const userId = auth.user.id;
  // The catch-up cursor is read before the discussion: every change logged up to it was committed
  // before the data below is read, so the page's data reflects at least this much (never less, ADR 8).
  const cursor = await latestLessonEvent(context.db);
  const { reader, lessonId, discussion } = await loadGroupLesson(context.db, { group, role, userId, day, filter });

  // After loading: the revised notice and "new since your last visit" compare with the visit before
  // this one. A failed write only means those may repeat next time, so it does not cost the page.
  const warn = (what: string) => (error: unknown) =>
    context.logger.warn(`group lesson: could not record ${what}: ${error instanceof Error ? error.message : String(error)}`);
  await recordVisit(context.db, userId, reader.readings).catch(warn("a reading visit"));
  await recordLessonVisit(context.db, { userId, groupId: group.id, lessonId }).catch(warn("a lesson visit"));

  const moderate = can(role, "discussion.moderate");
  const passageText = new Map(reader.readings.flatMap((reading) => reading.passages.map((passage) => [passage.key, passage.text] as const)));

  const view = buildLessonView({
    passageText,
    discussion,
    openParam: url.searchParams.get("open"),
    commentParam: url.searchParams.get("comment"),
  });
  const { open, threads } = view;
  const focus = url.searchParams.get("focus");
  const historyId = url.searchParams.get("history");
  const versions =
    moderate && historyId && COMMENT_ID.test(historyId)
      ? await editHistory(context.db, { groupId: group.id, lessonId }, { userId, role }, historyId)
      : null;
  const nextLocked = reader.next !== null && isDayLocked(group, reader.next.day, group.course.dayCount) && !can(role, "lesson.viewAhead");
  const base = `/groups/${group.id}/day/${day}`;
  // Bodies go out parsed (marked stays on the server), with mentions of the members the page knows.
  const mentionable = new Set(discussion.members.map((member) => member.handle));
  const openThreads = open && open !== EARLIER_VERSION ? (threads[open] ?? []) : null;

  const payload: LessonData = {
    group: { id: group.id, name: group.name },
    course: reader.course,
    lesson: reader.lesson,
    previous: reader.previous,
    next: nextLocked ? null : reader.next,
    readings: reader.readings,
    filter,
    open,
    focus: focus && COMMENT_ID.test(focus) ? focus : null,
    // Composer ids of this page load are made from it (see composerId): no-JS forms get fresh ids.
    seed: randomSeed(),
    me: { id: userId },
    may: { moderate, post: can(role, "discussion.post") },
    // Only the open passage's threads are sent (see LessonData.threads).
    threads: open && openThreads ? { [open]: openThreads.map((thread) => threadWithTrees(thread, mentionable)) } : {},
    orphans: view.orphans.map((thread) => threadWithTrees(thread, mentionable)),
    shown: view.shown,
    counts: discussion.counts,
    newIds: view.newIds,
    answeredPrompts: view.answeredPrompts,
    highlights: view.highlights,
    members: discussion.members,
    lastVisit: discussion.lastVisit,
    keyAnswers: view.keyAnswers.map((answer) => keyAnswerWithTree(answer, mentionable)),
    history: versions && historyId ? { commentId: historyId, versions: versions.map((version) => versionWithTree(version, mentionable)) } : null,
    exports: moderate ? { jsonld: `${base}/export?format=jsonld`, markdown: `${base}/export?format=md` } : null,
  };
  const [progress, session] = await Promise.all([
    loadLessonProgress(context.db, { userId, courseId: group.course.id, lessonId }),
    runningSessionView(context.db, group.id, day),
  ]);
  const elsewhere = session ? null : await runningSession(context.db, group.id);
  const live: LiveData = {
    session,
    myVotes: session ? await myVotes(context.db, session.id, userId) : [],
    cursor,
    mayRun: can(role, "session.run"),
    elsewhere: elsewhere ? { day: elsewhere.day } : null,
    confirmEnd: url.searchParams.get("confirm") === "end-session",
  };
  return { ...payload, progress, live };
}

type LessonLoaderData = SerializeFrom<typeof loader>;

/** The data this tab shows now, and for which address: what a failed reload keeps. */
let shown: { href: string; data: LessonLoaderData } | null = null;
/** Reloads in a row that could not reach the server. */
let failures = 0;
const addressOf = (url: { pathname: string; search: string }) => `${url.pathname}${url.search}`;

/**
 * In the browser, every load of this page after the first goes through here. When a reload of the
 * page's own address cannot reach the server (it is restarting, the connection is lost, a proxy
 * answers 502), the page keeps what it shows — the composers keep their text — and says how many
 * reloads failed (`reloadFailed`): the live layer shows "Reconnecting…" and tries again with backoff.
 * Answers the person can act on (not found, not a member any more, signed out) go through as before.
 */
export async function clientLoader({ request, serverLoader }: ClientLoaderFunctionArgs): Promise<LessonLoaderData & { reloadFailed?: number }> {
  try {
    const data = await serverLoader<typeof loader>();
    failures = 0;
    return data;
  } catch (error) {
    const keep = shown && shown.href === addressOf(new URL(request.url)) && !request.signal.aborted && loadFailedToReach(error);
    if (!keep) throw error;
    failures += 1;
    return { ...shown!.data, reloadFailed: failures };
  }
}

/** Every discussion form of the page posts here (and the moderation queue's too). */
export const action = discussionAction;

/**
 * With scripts, a refused or unreachable post comes back as data, so the composer keeps the text
 * and the client id (a retry then cannot store the comment twice).
 */
export const clientAction = ({ serverAction }: ClientActionFunctionArgs) => serverOrOffline(() => serverAction<typeof action>());

/**
 * Narrowing a panel to a sub-thread (`?focus=`) needs no new data; everything else does (opening a
 * passage loads its threads; filters, the edit history, and every action, whose results must show).
 * Each load records a visit, but the page keeps the "new" markers and the revised notice it arrived
 * with, and every "new" it has seen since (LessonDiscussion), so revalidating does not take them away
 * while the member is still reading.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, formAction, actionResult, defaultShouldRevalidate }) => {
  // Offline: the page stays as it is (the composer keeps the text and sends it when back).
  if (isOfflineResult(actionResult) || browserOffline()) return false;
  // A live-session form's answer carries the session's new state: the lesson itself has not changed.
  if (formMethod && formMethod !== "GET" && formAction && /\/sessions$/.test(new URL(formAction, currentUrl).pathname)) return false;
  if (formMethod && formMethod !== "GET") return defaultShouldRevalidate;
  // The same address: an explicit revalidation (live changes by others, a reconnect) must load.
  if (currentUrl.href === nextUrl.href) return true;
  if (currentUrl.pathname === nextUrl.pathname) {
    const strip = (url: URL) => {
      const params = new URLSearchParams(url.search);
      params.delete("focus");
      params.sort();
      return params.toString();
    };
    if (strip(currentUrl) === strip(nextUrl)) return false;
  }
  return defaultShouldRevalidate;
};

export default function GroupLessonPage() {
  const loaded = useLoaderData<typeof clientLoader>();
  const data = loaded as unknown as LessonData;
  const location = useLocation();
  // What a failed reload keeps (the first data came with the HTML, not through clientLoader); the
  // address follows changes that load nothing (`?focus=`), for which the data is as good.
  useEffect(() => {
    if (!loaded.reloadFailed) shown = { href: addressOf(location), data: loaded };
  }, [loaded, location.pathname, location.search]); // eslint-disable-line react-hooks/exhaustive-deps
  // The bar follows each recorded batch without reloading the page.
  const [progress, setProgress] = useState(loaded.progress);
  useEffect(() => setProgress(loaded.progress), [loaded.progress]);
  const groupDayHref = (_courseSlug: string, day: number) => `/groups/${data.group.id}/day/${day}`;
  return (
    <Announcer>
      <ReadTracker
        endpoint="/api/progress"
        courseSlug={data.course.slug}
        day={data.lesson.day}
        passages={data.readings.flatMap((reading) => reading.passages.map((passage) => ({ key: passage.key, readingId: reading.id, requiredMs: requiredDwellMs(passage.text) })))}
        readKeys={progress.readKeys}
        onRecorded={(result) => setProgress((current) => ({ ...current, readCount: result.readCount, status: result.status as typeof current.status }))}
      />
      <LiveLesson data={data} live={loaded.live} reloadFailed={loaded.reloadFailed ?? 0}>
        <DayHrefProvider value={groupDayHref}>
          <LessonDiscussion
            key={`${data.group.id}/${data.lesson.day}`}
            data={data}
            progressBar={<LessonProgressBar progress={progress} day={data.lesson.day} />}
            end={<LessonEnd progress={progress} courseSlug={data.course.slug} day={data.lesson.day} redirectTo={`${location.pathname}${location.search}`} />}
          />
        </DayHrefProvider>
      </LiveLesson>
    </Announcer>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
