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
import { requiredDwellMs } from "~/models/progress-rules.ts";
import { randomSeed } from "~/components/discussion/ids.ts";
import { LessonDiscussion } from "~/components/discussion/lesson.tsx";
import { EARLIER_VERSION, type LessonData } from "~/components/discussion/types.ts";
import { Announcer } from "~/components/reader/announcer.tsx";
import { DayHrefProvider } from "~/components/reader/links.tsx";
import { can } from "~/models/authz.ts";
import { editHistory } from "~/models/discussion.server.ts";
import { loadLessonGroup, loadLessonPage } from "~/models/lesson-page.server.ts";
import { keyAnswerWithTree, threadWithTrees, versionWithTree } from "~/models/comment-trees.server.ts";
import { FILTERS, type DiscussionFilter } from "~/models/discussion-rules.ts";
import { isDayLocked } from "~/models/pace.ts";
import { parseDayParam } from "~/models/reader.server.ts";
import { discussionAction } from "~/actions/discussion-forms.server.ts";
import { myVotes, runningSessionView } from "~/models/live-session.server.ts";
import { LiveLesson, type LiveData } from "~/components/live/live-lesson.tsx";
import { requireUser } from "~/http/signed-in.server.ts";
import { useLessonDeltas } from "~/components/live/passage-deltas.ts";
import { browserOffline, isOfflineResult, loadFailedToReach, serverOrOffline } from "~/http/offline.ts";
import { passRetryAfter } from "~/http/rate-limit-responses.server.ts";

// A refused write says when to retry (Retry-After).
export const headers = passRetryAfter;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Day ${data.lesson.day}: ${data.lesson.title} · ${data.group.name}` : "Marginalia" },
];

const COMMENT_ID = /^[A-Za-z0-9_-]{1,40}$/;



export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const auth = requireUser(context, request);
  const userId = auth.user.id;
  // One statement: the membership, the group and its course, the catch-up cursor and the running
  // live session. The cursor is read before the discussion: every change logged up to it was
  // committed before the data below is read, so the page's data reflects at least this much (ADR 8).
  const found = params.groupId ? await loadLessonGroup(context.db, params.groupId, userId) : null;
  // A group the user does not belong to answers 404 exactly like one that does not exist.
  if (!found) throw new Response("No such group, or you are not a member of it.", { status: 404 });
  const { group, role, cursor } = found;
  const day = parseDayParam(params.day);
  if (!Number.isInteger(day)) throw new Response("There is no such day in this course.", { status: 404 });
  const url = new URL(request.url);
  const filterParam = url.searchParams.get("filter");
  const filter: DiscussionFilter = (FILTERS as readonly string[]).includes(filterParam ?? "") ? (filterParam as DiscussionFilter) : "all";
  const page = await loadLessonPage(context.db, context.dbProvider, {
    group,
    role,
    userId,
    day,
    filter,
    openParam: url.searchParams.get("open"),
    commentParam: url.searchParams.get("comment"),
  });
  // A failed visit only means the "new" markers or the revised notice may repeat next time: it does not cost the page.
  if (page.wrote.error) {
    const error = page.wrote.error;
    context.logger.warn(`group lesson: could not record a visit: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { reader, lessonId, open } = page;

  const moderate = can(role, "discussion.moderate");
  const focus = url.searchParams.get("focus");
  const historyId = url.searchParams.get("history");
  const versions =
    moderate && historyId && COMMENT_ID.test(historyId)
      ? await editHistory(context.db, { groupId: group.id, lessonId }, { userId, role }, historyId)
      : null;
  const nextLocked = reader.next !== null && isDayLocked(group, reader.next.day, group.course.dayCount) && !can(role, "lesson.viewAhead");
  const base = `/groups/${group.id}/day/${day}`;
  // Bodies go out parsed (marked stays on the server), with mentions of the members the page knows.
  const mentionable = new Set(page.members.map((member) => member.handle));

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
    threads: Object.fromEntries(Object.entries(page.threads).map(([key, list]) => [key, list.map((thread) => threadWithTrees(thread, mentionable))])),
    orphans: page.orphans.map((thread) => threadWithTrees(thread, mentionable)),
    shown: page.shown,
    counts: page.counts,
    newIds: page.newIds,
    answeredPrompts: page.answeredPrompts,
    highlights: page.highlights,
    members: page.members,
    lastVisit: page.lastVisit,
    keyAnswers: page.keyAnswers.map((answer) => keyAnswerWithTree(answer, mentionable)),
    history: versions && historyId ? { commentId: historyId, versions: versions.map((version) => versionWithTree(version, mentionable)) } : null,
    exports: moderate ? { jsonld: `${base}/export?format=jsonld`, markdown: `${base}/export?format=md` } : null,
  };
  // The live session: statements of its own only while one runs on this day.
  const session = found.liveDay === day ? await runningSessionView(context.db, group.id, day) : null;
  const live: LiveData = {
    session,
    myVotes: session ? await myVotes(context.db, session.id, userId) : [],
    cursor,
    mayRun: can(role, "session.run"),
    elsewhere: !session && found.liveDay !== null && found.liveDay !== day ? { day: found.liveDay } : null,
    confirmEnd: url.searchParams.get("confirm") === "end-session",
  };
  return { ...payload, progress: page.progress, live };
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
  // Live changes by others arrive as one passage's delta each, merged over the loaded data (ADR 15).
  const deltas = useLessonDeltas(loaded as unknown as LessonData & { live: LiveData });
  const data = deltas.data;
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
      <LiveLesson data={data} live={loaded.live} reloadFailed={loaded.reloadFailed ?? 0} deltas={deltas.source}>
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
