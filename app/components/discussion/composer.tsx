import { useLiveConnection, useTypingIn } from "~/components/live/live-context.tsx";
import { TypingNote } from "~/components/live/presence-bar.tsx";
import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { CommentBody } from "~/components/comment-body.tsx";
import { useAnnounce } from "~/components/reader/announcer.tsx";
import { draftBlocks, MAX_COMMENT_LENGTH } from "~/content/comment-tree.ts";
import { handledResults, useDiscussion, type DiscussionActionData, type DraftQuote } from "./context.tsx";
import { draftKey, type DraftTarget } from "./draft-key.ts";

/** The drafts' code (drafts.ts, through drafts-on-demand.ts): loaded on demand once a composer is there, one promise for all, so calls run in order. */
let draftsModule: Promise<typeof import("./drafts-on-demand.ts")> | null = null;
const drafts = () => (draftsModule ??= import("./drafts-on-demand.ts"));
import { composerId, randomCommentId } from "./ids.ts";
import { useMentionCombobox } from "./mention-combobox.tsx";
import { unknownMentions } from "./unknown-mentions.ts";
import { useQuoteHighlight } from "./quote-highlight.ts";
import { useSelectionTools } from "./selection-on-demand.tsx";

type Mode = "post" | "reply" | "edit";

export type ComposerTarget =
  | { mode: "post"; passageKey: string; readingId: string; prompt: boolean; answered: boolean }
  | { mode: "reply"; parentId: string; parentAuthor: string; panel: string }
  | { mode: "edit"; commentId: string; body: string; panel: string };

const INTENT: Record<Mode, string> = { post: "post", reply: "reply", edit: "edit" };

export const OFFLINE_MESSAGE = "You are offline. Your text is kept here and will be sent by itself when the connection is back.";

function targetKey(target: ComposerTarget): string {
  return target.mode === "post" ? target.passageKey : target.mode === "reply" ? target.parentId : target.commentId;
}

/** The id of a composer's text field (the page focuses it when the composer opens). */
export function composerFieldId(target: ComposerTarget): string {
  return `${target.mode === "post" ? "composer" : target.mode}-${targetKey(target)}`;
}

function defaultKind(target: ComposerTarget): string {
  return target.mode === "post" && target.prompt && !target.answered ? "answer" : "comment";
}

interface FormProps {
  target: ComposerTarget;
  action: string;
  id: string;
  body: string;
  /** Controlled when given (with scripts); otherwise the field starts with `body`. */
  onBody?: (body: string) => void;
  kind: string;
  onKind?: (kind: string) => void;
  quote: DraftQuote | null;
  onRemoveQuote?: () => void;
  error: string | null;
  busy?: boolean;
  onSubmit?: (event: React.FormEvent<HTMLFormElement>) => void;
  onCancel?: () => void;
  formRef?: React.Ref<HTMLFormElement>;
  /** Shown beside the field while a post waits for the connection to come back. */
  waiting?: boolean;
  /** The @ picker (with scripts). */
  mentions?: ReturnType<typeof useMentionCombobox>;
  /** A kept draft can be thrown away. */
  onDiscard?: () => void;
  /** Said under the field: the text is kept in this browser. */
  draftNote?: string | null;
  /** The passage's sentences, to quote one by keyboard (with scripts). */
  sentences?: { start: number; end: number; text: string }[];
  onQuoteSentence?: (sentence: { start: number; end: number; text: string } | null) => void;
}

/** The composer's form: a plain POST that works without scripts; LiveComposer adds the rest. */
export function ComposerForm({ target, action, id, body, onBody, kind, onKind, quote, onRemoveQuote, error, busy = false, onSubmit, onCancel, formRef, waiting = false, mentions, onDiscard, draftNote, sentences, onQuoteSentence }: FormProps) {
  const { data, mentionable } = useDiscussion();
  const uid = useId();
  const hintId = `${uid}-hint`;
  const errorId = `${uid}-error`;
  const unknownId = `${uid}-unknown`;
  // Handles that name nobody are said before posting (the server would silently leave them as text).
  const unknown = onBody ? unknownMentions(body, mentionable) : [];
  const describedBy = [hintId, unknown.length > 0 ? unknownId : null, error ? errorId : null].filter(Boolean).join(" ");
  const fieldId = composerFieldId(target);
  // "X is writing…" for the others: a new thread on a passage, or a reply in a thread.
  const typingTarget = target.mode === "post" ? `new:${target.passageKey}` : target.mode === "reply" ? target.parentId : `edit:${target.commentId}`;
  const typingHere = useTypingIn(typingTarget);
  const others = data.members.filter((member) => member.id !== data.me.id).slice(0, 6);
  const label =
    target.mode === "reply"
      ? `Reply to ${target.parentAuthor}`
      : target.mode === "edit"
        ? "Edit your comment"
        : kind === "answer"
          ? "Your answer"
          : kind === "question"
            ? "Your question"
            : "Your comment";
  const submitLabel = target.mode === "edit" ? "Save" : target.mode === "reply" ? "Post reply" : "Post";

  function onKeyDown(event: React.KeyboardEvent<HTMLTextAreaElement>) {
    if (mentions?.onKeyDown(event)) return;
    // Ctrl/⌘+Enter sends, as in most comment boxes.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.currentTarget.form?.requestSubmit();
    } else if (event.key === "Escape" && onCancel && event.currentTarget.value.trim() === "") {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
    }
  }

  return (
    <form ref={formRef} method="post" action={action} className={`composer composer-${target.mode}`} onSubmit={onSubmit} aria-busy={busy || undefined} data-waiting={waiting || undefined}>
      <input type="hidden" name="intent" value={INTENT[target.mode]} />
      {target.mode === "edit" ? <input type="hidden" name="commentId" value={target.commentId} /> : <input type="hidden" name="id" value={id} />}
      {target.mode === "reply" ? <input type="hidden" name="parentId" value={target.parentId} /> : null}
      {target.mode === "post" ? (
        <>
          <input type="hidden" name="readingId" value={target.readingId} />
          <input type="hidden" name="passageKey" value={target.passageKey} />
          {quote ? (
            <>
              <input type="hidden" name="quoteExact" value={quote.exact} />
              <input type="hidden" name="quoteStart" value={quote.start} />
              <input type="hidden" name="quoteEnd" value={quote.end} />
              <figure className="composer-quote">
                <figcaption>On the words</figcaption>
                <blockquote>{quote.exact}</blockquote>
                {onRemoveQuote ? (
                  <button type="button" className="link-button" onClick={onRemoveQuote}>
                    Comment on the whole passage instead
                  </button>
                ) : null}
              </figure>
            </>
          ) : null}
          {sentences && onQuoteSentence && sentences.length > 1 ? (
            <QuoteSentence sentences={sentences} quote={quote} onQuote={onQuoteSentence} id={`${uid}-sentence`} />
          ) : null}
          <fieldset className="composer-kind">
            <legend>Post as</legend>
            {(target.prompt ? ["answer", "comment", "question"] : ["comment", "question"]).map((value) => (
              <label key={value} className="composer-kind-choice">
                <input
                  type="radio"
                  name="kind"
                  value={value}
                  {...(onKind ? { checked: kind === value, onChange: () => onKind(value) } : { defaultChecked: kind === value })}
                />{" "}
                {value === "answer" ? "Answer to the prompt" : value === "question" ? "Question" : "Comment"}
              </label>
            ))}
          </fieldset>
        </>
      ) : null}
      <label htmlFor={fieldId} className="composer-label">
        {label}
      </label>
      <textarea
        id={fieldId}
        name="body"
        rows={target.mode === "post" ? 4 : 3}
        required
        maxLength={MAX_COMMENT_LENGTH}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        {...mentions?.fieldProps}
        onKeyDown={onKeyDown}
        onInput={() => typingHere.typed()}
        {...(onBody
          ? {
              value: body,
              onChange: (event: React.ChangeEvent<HTMLTextAreaElement>) => {
                onBody(event.target.value);
                mentions?.look(event.target);
              },
            }
          : { defaultValue: body })}
      />
      {mentions ? (
        <>
          {mentions.list}
          <p className="visually-hidden" role="status">
            {mentions.status}
          </p>
        </>
      ) : null}
      {unknown.length > 0 ? (
        <p className="composer-unknown-mention" id={unknownId}>
          {unknown.length === 1 ? (
            <>
              No member of this group is called <strong>@{unknown[0]}</strong>: nobody will be notified. Type @ to pick from the members.
            </>
          ) : (
            <>
              No member of this group is called {unknown.map((handle, index) => (
                <span key={handle}>
                  {index > 0 ? (index === unknown.length - 1 ? " or " : ", ") : null}
                  <strong>@{handle}</strong>
                </span>
              ))}
              : nobody will be notified for these. Type @ to pick from the members.
            </>
          )}
        </p>
      ) : null}
      <TypingNote names={typingHere.names} />
      <p className="hint composer-hint" id={hintId}>
        Markdown works: **bold**, *italic*, `code`, [links](https://…), lists and &gt; quotes.
        {others.length > 0 ? <> Mention someone with {others.map((member) => `@${member.handle}`).join(", ")}.</> : null}
      </p>
      {error ? (
        <p className={waiting ? "error composer-waiting" : "error"} id={errorId} role="alert">
          {error}
        </p>
      ) : null}
      <div className="composer-actions">
        <button type="submit" disabled={busy} aria-disabled={busy || undefined}>
          {busy ? (target.mode === "edit" ? "Saving…" : "Posting…") : submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        {onDiscard ? (
          <button type="button" className="secondary" onClick={onDiscard}>
            Discard draft
          </button>
        ) : null}
      </div>
      {draftNote ? <p className="hint composer-draft-note">{draftNote}</p> : null}
    </form>
  );
}

function findPassageText(readings: { passages: { key: string; text: string }[] }[], key: string): string | undefined {
  for (const reading of readings) for (const passage of reading.passages) if (passage.key === key) return passage.text;
  return undefined;
}

function draftTargetOf(target: ComposerTarget): DraftTarget {
  return target.mode === "post"
    ? { mode: "post", passageKey: target.passageKey }
    : target.mode === "reply"
      ? { mode: "reply", parentId: target.parentId }
      : { mode: "edit", commentId: target.commentId };
}

/**
 * A keyboard (and screen reader) way to quote: pick one of the passage's sentences from a list instead
 * of selecting words. It follows the quote: a sentence quoted shows as chosen, other words as such.
 */
function QuoteSentence({
  sentences,
  quote,
  onQuote,
  id,
}: {
  sentences: { start: number; end: number; text: string }[];
  quote: DraftQuote | null;
  onQuote: (sentence: { start: number; end: number; text: string } | null) => void;
  id: string;
}) {
  const index = quote ? sentences.findIndex((sentence) => sentence.start === quote.start && sentence.end === quote.end) : -1;
  const value = !quote ? "" : index >= 0 ? String(index) : "selected";
  const short = (text: string) => (text.length > 70 ? `${text.slice(0, 67).trimEnd()}…` : text);
  return (
    <div className="composer-sentence">
      <label htmlFor={id}>Quote a sentence</label>
      <select id={id} value={value} onChange={(event) => onQuote(event.target.value === "" ? null : (sentences[Number(event.target.value)] ?? null))}>
        <option value="">None: the whole passage</option>
        {value === "selected" ? (
          <option value="selected" disabled>
            The words you selected
          </option>
        ) : null}
        {sentences.map((sentence, i) => (
          <option key={sentence.start} value={i}>
            {short(sentence.text)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** What a refused plain post left to show again: its message and the text typed. */
function refusedFor(refused: DiscussionActionData | null, target: ComposerTarget): { error: string; body: string } | null {
  const values = refused?.values;
  if (!refused || !values || values.intent !== INTENT[target.mode]) return null;
  const matches =
    target.mode === "post" ? values.passageKey === target.passageKey : target.mode === "reply" ? values.parentId === target.parentId : values.commentId === target.commentId;
  return matches ? { error: refused.error ?? "That did not work.", body: values.body ?? "" } : null;
}

/**
 * A composer with scripts: posts through a fetcher with `_js=1`, shows the comment at once while it is
 * sent, and on a refusal puts the text back with the reason. Its client id is made once and reused
 * for every retry; only a post that went through gets the composer a new one.
 */
export function LiveComposer({ target, onDone, onCancel }: { target: ComposerTarget; onDone?: (commentId: string) => void; onCancel?: () => void }) {
  const discussion = useDiscussion();
  const { data, hydrated, draftQuote, setDraftQuote, actionHref, focusId } = discussion;
  const announce = useAnnounce();
  const fetcher = useFetcher<DiscussionActionData>();
  const restored = refusedFor(discussion.refused, target);
  const [id, setId] = useState(() => (hydrated ? randomCommentId() : composerId(data.seed, target.mode === "post" ? "p" : "r", targetKey(target))));
  const [body, setBody] = useState(() => restored?.body ?? (target.mode === "edit" ? target.body : ""));
  const [kind, setKind] = useState(() => defaultKind(target));
  const [error, setError] = useState<string | null>(restored?.error ?? null);
  const submitted = useRef({ body: "", kind: "comment" });
  // Written while offline: kept here, and sent once by itself when the connection is back.
  const [waiting, setWaiting] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const { joins } = useLiveConnection();
  const joinsWhenWaiting = useRef(0);
  const busy = fetcher.state !== "idle";
  const quote = target.mode === "post" && draftQuote?.passageKey === target.passageKey ? draftQuote : null;
  const panel = target.mode === "post" ? target.passageKey : target.panel;
  const action = actionHref(panel, focusId);

  // The draft: kept in this browser per person, group, day and target until posted or discarded.
  const key = draftKey({ userId: data.me.id, groupId: data.group.id, day: data.lesson.day }, draftTargetOf(target));
  const [kept, setKept] = useState(false);
  const original = target.mode === "edit" ? target.body : "";
  useEffect(() => {
    if (!hydrated) return;
    let current = true;
    void drafts().then(({ browserStorage, loadDraft }) => {
      if (!current) return;
      const draft = loadDraft(browserStorage(), key);
      if (draft && draft.body !== original) {
        setBody((now) => (now === original ? draft.body : now));
        if (draft.kind) setKind(draft.kind);
        setKept(true);
      }
      // A quote the composer was opened with wins over the one kept; else the kept one comes back.
      if (draft?.quote && target.mode === "post" && !(draftQuote?.passageKey === target.passageKey)) setDraftQuote(draft.quote);
    });
    return () => {
      current = false;
    };
    // Only on opening (and once the scripts run).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hydrated, key]);
  // Keep what is typed (and the quote and kind with it) on every change.
  const keep = (next: { body?: string; kind?: string }) => {
    const nextBody = next.body ?? body;
    const changed = nextBody.trim() !== "" && nextBody !== original;
    const nextKind = next.kind ?? kind;
    void drafts().then(({ browserStorage, clearDraft, saveDraft }) => {
      if (changed) saveDraft(browserStorage(), key, { body: nextBody, kind: nextKind, quote });
      else clearDraft(browserStorage(), key);
    });
    setKept(changed);
  };
  useEffect(() => {
    if (kept && target.mode === "post") void drafts().then(({ browserStorage, saveDraft }) => saveDraft(browserStorage(), key, { body, kind, quote }));
    // The quote changed (picked anew or removed) while a draft is kept.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [quote?.start, quote?.end]);
  // Unsent text here: leaving the page asks first.
  const unsent = body.trim() !== "" && body !== original;
  useEffect(() => {
    // Only text typed with scripts can be unsent (the drafts' code is loaded for it).
    if (!unsent) return;
    void drafts().then(({ markUnsent }) => markUnsent(key, true));
    return () => void drafts().then(({ markUnsent }) => markUnsent(key, false));
  }, [key, unsent]);
  const discard = () => {
    void drafts().then(({ browserStorage, clearDraft }) => clearDraft(browserStorage(), key));
    setKept(false);
    setBody(original);
    if (target.mode === "post") setDraftQuote(null);
    announce("Draft discarded");
    document.getElementById(composerFieldId(target))?.focus();
  };
  const mentions = useMentionCombobox({
    id: composerFieldId(target),
    members: data.members.filter((member) => member.id !== data.me.id),
    body,
    setBody: (next) => {
      setBody(next);
      keep({ body: next });
    },
  });
  // The words quoted stay marked in the text while the comment is written.
  useQuoteHighlight(quote);
  const passageText = target.mode === "post" ? findPassageText(data.readings, target.passageKey) : undefined;
  // The sentences to quote by keyboard: with scripts only, found by the selection code (loaded on demand).
  const selectionTools = useSelectionTools();
  const sentenceRanges = selectionTools?.sentenceRanges;
  const sentences = useMemo(
    () => (passageText === undefined || !sentenceRanges ? undefined : sentenceRanges(passageText).map((range) => ({ ...range, text: passageText.slice(range.start, range.end) }))),
    [passageText, sentenceRanges],
  );
  const quoteSentence = (sentence: { start: number; end: number; text: string } | null) => {
    if (target.mode !== "post") return;
    setDraftQuote(sentence ? { passageKey: target.passageKey, readingId: target.readingId, exact: sentence.text, start: sentence.start, end: sentence.end } : null);
  };

  useEffect(() => {
    const result = fetcher.data;
    if (fetcher.state !== "idle" || !result || handledResults.has(result)) return;
    handledResults.add(result);
    if (result.ok) {
      setId(randomCommentId());
      setError(null);
      void drafts().then(({ browserStorage, clearDraft }) => clearDraft(browserStorage(), key));
      setKept(false);
      if (target.mode === "post") {
        setBody("");
        setDraftQuote(null);
      }
      const kindPosted = submitted.current.kind;
      announce(
        target.mode === "edit"
          ? "Comment saved"
          : target.mode === "reply"
            ? "Reply posted"
            : kindPosted === "question"
              ? "Question posted"
              : kindPosted === "answer"
                ? "Answer posted"
                : "Comment posted",
      );
      if (result.commentId) onDone?.(result.commentId);
    } else if (result.offline) {
      setBody(submitted.current.body);
      setKind(submitted.current.kind);
      joinsWhenWaiting.current = joins;
      setWaiting(true);
      setError(OFFLINE_MESSAGE);
      announce(`Not sent yet: ${OFFLINE_MESSAGE}`);
    } else {
      setBody(submitted.current.body);
      const message = result.error ?? "That did not work: please try again.";
      setError(message);
      announce(`Not posted: ${message}`);
    }
    // onDone and the setters are stable enough: only a new answer matters here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetcher.state, fetcher.data]);

  // Back online (the browser says so, or the live connection joined again): send it, once. The same
  // client id goes with it, so even a post that did reach the server is not stored twice.
  useEffect(() => {
    if (!waiting) return;
    const resend = () => {
      setWaiting(false);
      formRef.current?.requestSubmit();
    };
    if (joins > joinsWhenWaiting.current) return resend();
    window.addEventListener("online", resend);
    return () => window.removeEventListener("online", resend);
  }, [waiting, joins]);

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    if (!hydrated) return; // the plain post goes ahead
    event.preventDefault();
    if (busy) return;
    const formData = new FormData(event.currentTarget);
    if (String(formData.get("body") ?? "").trim() === "") {
      setError("Write something first.");
      return;
    }
    formData.set("_js", "1");
    submitted.current = { body, kind };
    setError(null);
    setWaiting(false);
    fetcher.submit(formData, { method: "post", action });
    // Optimistic: the text leaves the box and shows as a pending comment; a refusal puts it back.
    if (target.mode !== "edit") setBody("");
  }

  const pending = busy && fetcher.formData && target.mode !== "edit" ? String(fetcher.formData.get("body") ?? "") : null;
  return (
    <>
      {pending !== null ? (
        <PendingComment
          body={pending}
          kind={String(fetcher.formData?.get("kind") ?? "comment")}
          quote={fetcher.formData?.get("quoteExact")?.toString() ?? null}
          reply={target.mode === "reply"}
        />
      ) : null}
      <ComposerForm
        target={target}
        action={action}
        id={id}
        body={body}
        onBody={(next) => {
          setBody(next);
          keep({ body: next });
        }}
        kind={kind}
        onKind={(next) => {
          setKind(next);
          keep({ kind: next });
        }}
        quote={quote}
        onRemoveQuote={hydrated && quote ? () => setDraftQuote(null) : undefined}
        error={error}
        busy={busy}
        onSubmit={onSubmit}
        onCancel={onCancel}
        formRef={formRef}
        waiting={waiting}
        mentions={mentions}
        onDiscard={kept && !busy ? discard : undefined}
        draftNote={kept && !busy ? "Draft kept in this browser until you post or discard it." : null}
        sentences={hydrated ? sentences : undefined}
        onQuoteSentence={hydrated ? quoteSentence : undefined}
      />
    </>
  );
}

/** The comment being sent, shown where it will appear. */
function PendingComment({ body, kind, quote, reply }: { body: string; kind: string; quote: string | null; reply: boolean }) {
  const { mentionable } = useDiscussion();
  return (
    <div className={`comment comment-pending${reply ? " comment-reply" : ""}`} aria-live="off">
      <p className="comment-head">
        <span className="comment-author">You</span>
        {kind === "question" ? <span className="tag">Question</span> : kind === "answer" ? <span className="tag">Answer to the prompt</span> : null}
        <span className="comment-time">Posting…</span>
      </p>
      {quote ? <blockquote className="comment-quote">{quote}</blockquote> : null}
      <CommentBody blocks={draftBlocks(body, mentionable)} />
    </div>
  );
}
