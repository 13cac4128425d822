import { Link, useActionData, useFetcher, useFetchers, useLocation, useNavigate, useSubmit } from "@remix-run/react";
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { useAnnounce } from "~/components/reader/announcer.tsx";
import { DayNav } from "~/components/reader/day-nav.tsx";
import { KeyboardShortcuts, type ExtraShortcut } from "~/components/reader/keyboard.tsx";
import { OnThisPage } from "~/components/reader/on-this-page.tsx";
import type { Annotate } from "~/components/reader/passage.tsx";
import { Reading } from "~/components/reader/reading.tsx";
import { useHydrated } from "~/components/reader/use-hydrated.ts";
import type { ReaderPassage, ReaderReading } from "~/models/reader.server.ts";
import { DiscussionContext, handledResults, LiveContext, type DiscussionActionData, type DiscussionContextValue, type DraftQuote, type Live, type OpenOptions } from "./context.tsx";
import { EarlierVersion, PassageMargin, toggleId } from "./margin.tsx";
import { useMarginLayout } from "./margin-layout.ts";
import { PositionMarkers, SpotlightContext, SpotlightControl } from "~/components/live/session-context.tsx";
import { LessonPresence } from "~/components/live/live-lesson.tsx";
import { loadSelectionTools, useSelectionTools } from "./selection-on-demand.tsx";
import type { PassageSelection } from "./selection.ts";
import { DiscussionNotes, DiscussionToolbar, KeyAnswers } from "./toolbar.tsx";
import { EARLIER_VERSION, focusFor, indexThreads, type CommentView, type LessonData, type Located } from "./types.ts";

/** Few enough earlier-version comments are shown open; more wait behind their button. */
const ORPHANS_SHOWN_OPEN = 20;

type FocusRequest = { id: string; scroll: boolean; seq: number };

/**
 * The group's lesson: the reader's text with the discussion in its margin. One instance per lesson
 * (the route keys it by group and day), so the "new" markers and the revised notice seen on arrival
 * stay for as long as the member is on the page, however often the data is revalidated.
 */
export function LessonDiscussion({ data, progressBar, end }: { data: LessonData; progressBar?: React.ReactNode; end?: React.ReactNode }) {
  const hydrated = useHydrated();
  const announce = useAnnounce();
  const location = useLocation();
  const actionData = useActionData() as DiscussionActionData | undefined;
  const refused = actionData && actionData.ok === false ? actionData : null;
  const basePath = `/groups/${data.group.id}/day/${data.lesson.day}`;

  const passages = useMemo(() => {
    const map = new Map<string, { readingId: string; passage: ReaderPassage }>();
    for (const reading of data.readings) for (const passage of reading.passages) map.set(passage.key, { readingId: reading.id, passage });
    return map;
  }, [data.readings]);
  const textOf = useCallback((key: string) => passages.get(key)?.passage.text, [passages]);

  /** Where any comment of the page is; indexed on first use only (hash links, key answers). */
  const locate = useMemo(() => {
    let index: Map<string, Located> | null = null;
    return (id: string): Located | undefined => {
      index ??= new Map([
        ...indexThreads(Object.values(data.threads).flat(), (root) => root.passageKey ?? EARLIER_VERSION),
        ...indexThreads(data.orphans, () => EARLIER_VERSION),
      ]);
      return index.get(id);
    };
  }, [data.threads, data.orphans]);

  const pageHref = useCallback(
    (open: string | null, extra: { focus?: string | null; history?: string | null; comment?: string; hash?: string } = {}) => {
      const params = new URLSearchParams();
      if (data.filter !== "all") params.set("filter", data.filter);
      if (open) params.set("open", open);
      if (extra.comment) params.set("comment", extra.comment);
      if (extra.focus) params.set("focus", extra.focus);
      if (extra.history) params.set("history", extra.history);
      const query = params.toString();
      return `${basePath}${query ? `?${query}` : ""}${extra.hash ? `#${extra.hash}` : ""}`;
    },
    [basePath, data.filter],
  );
  const actionHref = useCallback((open: string | null, focus?: string | null) => pageHref(open, { focus }), [pageHref]);

  const [openKey, setOpenKey] = useState<string | null>(() => {
    if (data.open && data.open !== EARLIER_VERSION) return data.open;
    const values = refused?.values;
    if (values?.intent === "post" && values.passageKey) return values.passageKey;
    const target = values?.parentId ?? values?.commentId;
    const found = target ? locate(target) : undefined;
    return found && found.panel !== EARLIER_VERSION ? found.panel : null;
  });
  const [orphansOpen, setOrphansOpen] = useState(() => data.open === EARLIER_VERSION || data.orphans.length <= ORPHANS_SHOWN_OPEN);
  const [focusId, setFocusId] = useState<string | null>(data.focus);
  const [draftQuote, setDraftQuote] = useState<DraftQuote | null>(null);
  const [replyingTo, setReplyingTo] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState<FocusRequest | null>(null);
  const requestSeq = useRef(0);
  const requestFocus = useCallback((id: string, scroll: boolean) => setFocusRequest({ id, scroll, seq: ++requestSeq.current }), []);

  // What was new on arrival stays new while the member is here, and so does whatever each later load
  // found new (every load records a visit, so the next one would not say it again).
  const seenNew = useRef(new Map<string, Set<string>>());
  const newSets = useMemo(() => {
    for (const [panel, ids] of Object.entries(data.newIds)) {
      const set = seenNew.current.get(panel) ?? new Set<string>();
      ids.forEach((id) => set.add(id));
      seenNew.current.set(panel, set);
    }
    return new Map(seenNew.current);
  }, [data.newIds]);
  const [stickyRevised] = useState(() => new Map(data.readings.map((reading) => [reading.id, reading.revised])));
  const isNew = useCallback(
    (comment: CommentView) => {
      if (comment.isNew) return true;
      for (const set of newSets.values()) if (set.has(comment.id)) return true;
      return false;
    },
    [newSets],
  );
  const readings: ReaderReading[] = useMemo(
    () => data.readings.map((reading) => (reading.revised || !stickyRevised.get(reading.id) ? reading : { ...reading, revised: stickyRevised.get(reading.id)! })),
    [data.readings, stickyRevised],
  );
  const newCounts = useMemo(() => {
    const counts = new Map<string, number>();
    let total = 0;
    for (const [panel, set] of newSets) {
      counts.set(panel, set.size);
      total += set.size;
    }
    return { counts, total };
  }, [newSets]);

  const navigate = useNavigate();
  const showComment = useCallback(
    (id: string) => {
      const found = locate(id);
      if (!found) {
        // Its passage's threads are not loaded: ask the server to open the panel it is in.
        if (new URLSearchParams(location.search).get("comment") !== id) {
          navigate(pageHref(null, { comment: id, hash: `c-${id}` }), { replace: true, preventScrollReset: true });
        }
        return;
      }
      if (found.panel === EARLIER_VERSION) setOrphansOpen(true);
      else setOpenKey(found.panel);
      setFocusId(focusFor(locate, id));
      requestFocus(`c-${id}`, true);
    },
    // pageHref is stable per filter; location.search only guards against asking twice.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [locate, requestFocus, navigate, location.search],
  );

  const openPanel = useCallback(
    (key: string, options: OpenOptions = {}) => {
      if (key === EARLIER_VERSION) setOrphansOpen(true);
      else {
        setOpenKey(key);
        setReplyingTo(null);
        setEditing(null);
        // Only the open passage's threads come with the page: load these (the composer shows at once).
        if (!(key in data.threads) && !options.showComment) navigate(pageHref(key), { replace: true, preventScrollReset: true });
      }
      setFocusId(options.focus ?? null);
      if (options.quote !== undefined) setDraftQuote(options.quote);
      if (options.showComment) showComment(options.showComment);
      else if (options.focusComposer) requestFocus(`composer-${key}`, true);
    },
    // pageHref is stable per filter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [requestFocus, showComment, data.threads, navigate],
  );

  const closePanel = useCallback(
    (key: string, returnFocus = false) => {
      if (key === EARLIER_VERSION) setOrphansOpen(false);
      else setOpenKey((current) => (current === key ? null : current));
      setFocusId(null);
      setReplyingTo(null);
      setEditing(null);
      if (returnFocus) requestFocus(toggleId(key), false);
    },
    [requestFocus],
  );

  const setFocus = useCallback(
    (id: string | null, show?: string | null) => {
      setFocusId(id);
      setReplyingTo(null);
      if (show) requestFocus(`c-${show}`, true);
    },
    [requestFocus],
  );

  // Focus and scroll once the element asked for is on the page.
  useEffect(() => {
    if (!focusRequest) return;
    const element = document.getElementById(focusRequest.id);
    if (!element) return;
    if (focusRequest.scroll) {
      const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      element.scrollIntoView({ block: "center", behavior: reduce ? "auto" : "smooth" });
    } else {
      // Focus given back (Escape closing a thread): its toggle is brought into view if it is not.
      element.scrollIntoView({ block: "nearest" });
    }
    element.focus({ preventScroll: true });
  }, [focusRequest]);

  // A link to a comment (#c-…, from notifications or the questions page) opens its panel.
  useEffect(() => {
    const match = /^#c-([A-Za-z0-9_-]+)$/.exec(location.hash);
    if (match) showComment(match[1]!);
    // Only a new address should move the page, not new data.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [location.key, location.hash]);

  // A navigation that changes ?open= (a link followed before the scripts ran, or a filter) wins.
  const lastOpenParam = useRef(data.open);
  useEffect(() => {
    if (data.open === lastOpenParam.current) return;
    lastOpenParam.current = data.open;
    if (data.open === EARLIER_VERSION) setOrphansOpen(true);
    else setOpenKey(data.open);
    setFocusId(data.focus);
  }, [data.open, data.focus]);

  // Small forms: each submission its own fetcher (so two quick reactions are both sent), watched below.
  const submit = useSubmit();
  const submitSeq = useRef(0);
  const track = useRef<(submission: Submission) => void>(() => {});
  const submitSmall = useCallback(
    (event: React.FormEvent<HTMLFormElement>) => {
      if (!hydrated) return;
      event.preventDefault();
      const form = event.currentTarget;
      const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLElement | null;
      const formData = new FormData(form, submitter);
      formData.set("_js", "1");
      const target = String(formData.get("commentId") ?? "");
      const key = `a|${String(formData.get("intent"))}|${target}|${++submitSeq.current}`;
      track.current({ key, target, done: submitter?.dataset.done ?? form.dataset.done });
      submit(formData, { method: "post", action: form.getAttribute("action") ?? basePath, navigate: false, fetcherKey: key, preventScrollReset: true });
      const menu = form.closest("details");
      if (menu?.classList.contains("comment-more")) menu.open = false;
    },
    [hydrated, submit, basePath],
  );

  const mentionable = useMemo(() => new Set(data.members.map((member) => member.handle)), [data.members]);

  const context: DiscussionContextValue = {
    data,
    basePath,
    hydrated,
    mentionable,
    isNew,
    pageHref,
    actionHref,
    openKey,
    focusId,
    openPanel,
    closePanel,
    setFocus,
    showComment,
    draftQuote,
    setDraftQuote,
    replyingTo,
    setReplyingTo,
    editing,
    setEditing,
    submitSmall,
    refused,
  };

  // Selecting words: the floating button, and the `c` shortcut.
  const selection = useRef<PassageSelection | null>(null);
  // "Comment on selection" and reading the selected words: code loaded once the page has hydrated.
  const selectionTools = useSelectionTools();
  const commentOn = useCallback(
    (chosen: PassageSelection) => {
      const found = passages.get(chosen.passageKey);
      if (!found) return;
      const quote = { passageKey: chosen.passageKey, readingId: found.readingId, exact: found.passage.text.slice(chosen.start, chosen.end), start: chosen.start, end: chosen.end };
      openPanel(chosen.passageKey, { quote, focusComposer: true });
    },
    [passages, openPanel],
  );
  const spotlight = useContext(SpotlightContext);
  const shortcuts: ExtraShortcut[] = [
    ...(spotlight.canSpotlight
      ? [
          {
            key: "g",
            does: "Live session: gather everyone at the current passage (again: clear it)",
            run: () => {
              const active = document.activeElement;
              const focused = active?.closest<HTMLElement>(".annotated, .annotated-item");
              const fromHash = /^#p-(.+)$/.exec(location.hash)?.[1];
              const holder =
                focused ?? (fromHash ? document.getElementById(`p-${fromHash}`)?.closest<HTMLElement>(".annotated, .annotated-item") : null) ?? null;
              const button = holder?.querySelector<HTMLButtonElement>(":scope > .spotlight-control button");
              if (button) button.click();
              else announce("Move to a passage with j or k, then press g to gather everyone there.");
            },
          },
        ]
      : []),
    {
      key: "c",
      does: "Comment on the selected words (or on the current passage)",
      run: async () => {
        const { readSelection } = await loadSelectionTools();
        const chosen = readSelection(textOf) ?? selection.current;
        if (chosen) return commentOn(chosen);
        const active = document.activeElement;
        const element = active?.closest<HTMLElement>(".annotated")?.querySelector("[data-passage]") ?? active?.closest<HTMLElement>("[data-passage]");
        const fromHash = /^#p-(.+)$/.exec(location.hash)?.[1];
        const key = element?.id.replace(/^p-/, "") ?? (fromHash && passages.has(fromHash) ? fromHash : null);
        if (key && passages.has(key)) openPanel(key, { focusComposer: true, quote: null });
        else announce("Select some words in a passage, or move to a passage with j, then press c.");
      },
    },
  ];

  // A click on a highlight opens its threads (unless it ends a selection, or is on a link).
  function onTextClick(event: React.MouseEvent<HTMLDivElement>) {
    const mark = (event.target as Element).closest?.("mark.anchor");
    if (!mark || mark.closest("a") || !document.getSelection()?.isCollapsed) return;
    const key = mark.closest<HTMLElement>("[data-passage-text]")?.dataset.passageText;
    const first = (mark as HTMLElement).dataset.anchor?.split(" ")[0];
    if (key) openPanel(key, { showComment: first ?? null });
  }

  const annotateFor = (reading: ReaderReading): Annotate => (passage) => {
    const counts = data.counts[passage.key];
    return {
      highlights: data.highlights[passage.key],
      margin: (
        <>
          <SpotlightControl passageKey={passage.key} excerpt={passage.text.split(/\s+/).slice(0, 8).join(" ")} />
          <PassageMargin
          passage={passage}
          readingId={reading.id}
          threads={data.threads[passage.key]}
          count={data.shown[passage.key] ?? 0}
          answered={data.answeredPrompts.includes(passage.key)}
          concealed={counts?.concealedAnswers ?? 0}
          confused={counts?.confused ?? 0}
          newCount={newCounts.counts.get(passage.key) ?? 0}
          open={openKey === passage.key}
          />
        </>
      ),
    };
  };

  // The margin beside the text: measured and placed once the scripts run (wide screens).
  const textRef = useRef<HTMLDivElement>(null);
  useMarginLayout(textRef, openKey, hydrated, data);

  return (
    <DiscussionContext.Provider value={context}>
      <LiveProvider trackRef={track}>
        <article className="reader discussion-reader" aria-labelledby="lesson-title" data-hydrated={hydrated || undefined} data-panel-open={openKey ? "" : undefined}>
          <header className="reader-header">
            {progressBar}
            <p className="eyebrow">
              <Link to={`/groups/${data.group.id}`}>{data.group.name}</Link>
              <span className="eyebrow-course"> · {data.course.title}</span> · Day {data.lesson.day} of {data.course.dayCount}
            </p>
            <h1 id="lesson-title">{data.lesson.title}</h1>
            <div className="lesson-toolbar">
              <OnThisPage readings={readings} collapsed label="Contents" />
              <DiscussionToolbar />
              <KeyboardShortcuts extra={shortcuts} />
              <LessonPresence />
            </div>
            <DiscussionNotes newCount={newCounts.total} />
            {refused ? (
              <p className="form-error" role="alert">
                That did not go through: {refused.error}
              </p>
            ) : null}
          </header>
          <div className="reader-text" onClick={onTextClick} ref={textRef}>
            <PositionMarkers />
            <KeyAnswers />
            {readings.map((reading) => (
              <Reading key={reading.id} reading={reading} courseSlug={data.course.slug} annotate={annotateFor(reading)} />
            ))}
          </div>
          <EarlierVersion threads={data.orphans} open={orphansOpen} />
          {end}
          <DayNav courseSlug={data.course.slug} previous={data.previous} next={data.next} />
        </article>
        {hydrated && selectionTools ? <selectionTools.SelectionButton textOf={textOf} onComment={commentOn} latest={selection} enabled={hydrated} /> : null}
      </LiveProvider>
    </DiscussionContext.Provider>
  );
}

/** A small form sent by a fetcher of its own, watched until its answer is in. */
interface Submission {
  key: string;
  target: string;
  done: string | undefined;
}

/**
 * The page's small forms in flight and their outcomes: what is pending per comment (optimistic
 * reactions, "Saving…"), the last refusal per comment, and each outcome said in the live region.
 * Idle fetchers leave the router's state at once (v3_fetcherPersist), so each submission gets a
 * watcher that reads its answer through useFetcher({ key }) and then goes away.
 */
function LiveProvider({ children, trackRef }: { children: React.ReactNode; trackRef: React.MutableRefObject<(submission: Submission) => void> }) {
  const fetchers = useFetchers();
  const announce = useAnnounce();
  const [watching, setWatching] = useState<Submission[]>([]);
  const [errors, setErrors] = useState<ReadonlyMap<string, string>>(() => new Map());
  trackRef.current = (submission) => {
    setWatching((list) => [...list, submission]);
    setErrors((current) => {
      if (!current.has(submission.target)) return current;
      const next = new Map(current);
      next.delete(submission.target);
      return next;
    });
  };

  const signature = fetchers
    .filter((fetcher) => fetcher.key.startsWith("a|"))
    .map((fetcher) => `${fetcher.key}:${fetcher.state}`)
    .join("|");
  const pending = useMemo(() => {
    const map = new Map<string, FormData[]>();
    for (const fetcher of fetchers) {
      if (!fetcher.key.startsWith("a|") || fetcher.state === "idle" || !fetcher.formData) continue;
      const target = fetcher.key.split("|")[2] ?? "";
      map.set(target, [...(map.get(target) ?? []), fetcher.formData]);
    }
    return map;
    // The signature says when anything that matters here changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signature]);
  const live: Live = useMemo(() => ({ pending, errors }), [pending, errors]);

  const onResult = useCallback(
    (submission: Submission, result: DiscussionActionData) => {
      setWatching((list) => list.filter((entry) => entry.key !== submission.key));
      if (result.ok) {
        if (submission.done) announce(submission.done);
        return;
      }
      const message = result.error ?? "That did not work.";
      setErrors((current) => new Map(current).set(submission.target, message));
      announce(message);
    },
    [announce],
  );

  return (
    <LiveContext.Provider value={live}>
      {children}
      {watching.map((submission) => (
        <ResultWatcher key={submission.key} submission={submission} onResult={onResult} />
      ))}
    </LiveContext.Provider>
  );
}

function ResultWatcher({ submission, onResult }: { submission: Submission; onResult: (submission: Submission, result: DiscussionActionData) => void }) {
  const fetcher = useFetcher<DiscussionActionData>({ key: submission.key });
  useEffect(() => {
    const result = fetcher.data;
    if (fetcher.state !== "idle" || !result || handledResults.has(result)) return;
    handledResults.add(result);
    onResult(submission, result);
  }, [fetcher.state, fetcher.data, submission, onResult]);
  return null;
}
