import { Link } from "@remix-run/react";
import { CommentBody } from "~/components/comment-body.tsx";
import { REACTION_LABELS, REACTIONS, type ReactionKind } from "~/models/discussion-rules.ts";
import { ComposerForm, LiveComposer, composerFieldId, type ComposerTarget } from "./composer.tsx";
import { useDiscussion, useLive } from "./context.tsx";
import { RelativeTime } from "~/components/time.tsx";
import { plural } from "./format.ts";
import { composerId } from "./ids.ts";
import { countReplies, MAX_DEPTH, type CommentView, type ThreadView } from "./types.ts";

interface CommentProps {
  comment: CommentView;
  root: ThreadView;
  /** Levels below the first comment shown in the panel (0 for it). */
  depth: number;
  panel: string;
}

function HiddenFields({ intent, commentId }: { intent: string; commentId: string }) {
  return (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="commentId" value={commentId} />
    </>
  );
}

/**
 * One comment and its replies. No effects and no fetchers of its own: forms go through the page's
 * submitSmall (one fetcher per submission) and pending/refused state comes from the LiveContext, so a
 * panel of hundreds of comments costs only their markup.
 */
export function CommentItem({ comment, root, depth, panel }: CommentProps) {
  const discussion = useDiscussion();
  const { data, hydrated, isNew, replyingTo, setReplyingTo, editing, setEditing, setFocus, pageHref } = discussion;
  const live = useLive();
  const isRoot = comment.id === root.id;
  const thread = isRoot ? root : null;
  const moderator = data.may.moderate;
  const isAnswer = root.kind === "question" && root.answerId === comment.id;
  const pending = live.pending.get(comment.id) ?? [];
  const error = live.errors.get(comment.id);
  const fresh = isNew(comment);
  const replyTarget: ComposerTarget = { mode: "reply", parentId: comment.id, parentAuthor: comment.author.displayName, panel };
  const canReply = data.may.post && (!root.locked || moderator) && !root.concealed;
  const editingThis = editing === comment.id && comment.mine && comment.state !== "removed";
  const savingOther = pending.some((form) => form.get("intent") !== "react");

  let body: React.ReactNode;
  if (comment.state === "removed") body = <p className="comment-placeholder">This comment was deleted.</p>;
  else if (comment.body === null && comment.state === "hidden") body = <p className="comment-placeholder">This comment was hidden by a moderator.</p>;
  else if (comment.body === null) body = <p className="comment-placeholder">Post your own answer to see this one.</p>;
  else {
    body = (
      <>
        {comment.state === "hidden" ? (
          <p className="comment-placeholder comment-hidden-note">Hidden by a moderator: members see only a placeholder.</p>
        ) : null}
        <CommentBody blocks={comment.tree ?? []} />
      </>
    );
  }

  const history = data.history?.commentId === comment.id ? data.history : null;
  const more = comment.replies.length > 0 && depth >= MAX_DEPTH;

  return (
    <article
      id={`c-${comment.id}`}
      className={`comment${isRoot ? " comment-root" : " comment-reply"}${isAnswer ? " comment-answer" : ""}`}
      data-state={comment.state}
      data-new={fresh || undefined}
      tabIndex={-1}
      aria-labelledby={`c-${comment.id}-by`}
    >
      <p className="comment-head">
        <span className="comment-author" id={`c-${comment.id}-by`}>
          {comment.author.displayName}
          {comment.mine ? <span className="muted"> (you)</span> : null}
        </span>
        {thread?.kind === "question" ? <span className="tag tag-question">{thread.answerId ? "Answered question" : "Question"}</span> : null}
        {thread?.kind === "answer" ? <span className="tag">Answer to the prompt</span> : null}
        {comment.pinned ? <span className="tag tag-pinned">{comment.pinned.scope === "lesson" ? "Pinned to the lesson" : "Pinned"}</span> : null}
        {thread?.locked ? <span className="tag">Locked</span> : null}
        {fresh ? <span className="tag tag-new">new</span> : null}
        <a className="comment-time" href={pageHref(panel, { hash: `c-${comment.id}` })}>
          <RelativeTime iso={comment.createdAt} />
        </a>
        {comment.editedAt ? (
          <span className="comment-edited">
            edited <RelativeTime iso={comment.editedAt} />
          </span>
        ) : null}
        {moderator && comment.editCount > 0 ? (
          <Link className="comment-history-link" to={pageHref(panel, { history: comment.id, hash: `c-${comment.id}` })} preventScrollReset>
            {plural(comment.editCount, "earlier version")}
          </Link>
        ) : null}
        {moderator && comment.flags > 0 ? <span className="tag tag-flagged">{plural(comment.flags, "flag")}</span> : null}
      </p>
      {isAnswer ? (
        <p className="answer-label">
          <strong>Answer</strong> · marked by {root.answerMarkedBy ?? "a moderator"}
        </p>
      ) : null}
      {thread?.quote ? (
        <blockquote className="comment-quote">
          <span className="visually-hidden">On the words: </span>
          {thread.quote.exact}
        </blockquote>
      ) : null}
      {thread && thread.passageKey === null && thread.originalQuote ? (
        <blockquote className="comment-quote comment-quote-original">
          <span className="visually-hidden">On the words, in revision {thread.originalRevision}: </span>
          {thread.originalQuote}
        </blockquote>
      ) : null}
      {thread?.anchorChanged && thread.passageKey !== null ? <p className="anchor-changed">The text changed since this was written.</p> : null}
      {editingThis && hydrated ? (
        <LiveComposer
          target={{ mode: "edit", commentId: comment.id, body: comment.body ?? "", panel }}
          onDone={() => {
            setEditing(null);
            discussion.showComment(comment.id);
          }}
          onCancel={() => {
            setEditing(null);
            requestAnimationFrame(() => document.getElementById(`edit-button-${comment.id}`)?.focus());
          }}
        />
      ) : (
        body
      )}
      {root.kind === "question" && isRoot && root.answerId && !comment.replies.some((reply) => reply.id === root.answerId) ? (
        <p className="answer-jump">
          <a href={pageHref(panel, { hash: `c-${root.answerId}` })}>Go to the answer</a>
        </p>
      ) : null}
      {history ? (
        <details className="comment-history" open>
          <summary>Earlier versions (moderators only)</summary>
          <ol>
            {history.versions.map((version, index) => (
              <li key={index}>
                <p className="meta">
                  Until <RelativeTime iso={version.editedAt} exact />
                </p>
                <CommentBody blocks={version.tree} />
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {savingOther ? <p className="comment-saving">Saving…</p> : null}
      {comment.state !== "removed" ? <CommentActions comment={comment} root={root} panel={panel} canReply={canReply} /> : null}
      {!hydrated && canReply ? (
        <details className="reply-details" open={discussion.refused?.values?.parentId === comment.id || undefined}>
          <summary>Reply</summary>
          <ComposerForm
            target={replyTarget}
            action={discussion.actionHref(panel, discussion.focusId)}
            id={composerId(data.seed, "r", comment.id)}
            body={discussion.refused?.values?.parentId === comment.id ? (discussion.refused.values.body ?? "") : ""}
            kind="comment"
            quote={null}
            error={discussion.refused?.values?.parentId === comment.id ? (discussion.refused.error ?? null) : null}
          />
        </details>
      ) : null}
      {!hydrated && comment.mine && comment.state !== "removed" ? (
        <details className="reply-details" open={(discussion.refused?.values?.intent === "edit" && discussion.refused.values.commentId === comment.id) || undefined}>
          <summary>Edit</summary>
          <ComposerForm
            target={{ mode: "edit", commentId: comment.id, body: comment.body ?? "", panel }}
            action={discussion.actionHref(panel, discussion.focusId)}
            id=""
            body={comment.body ?? ""}
            kind="comment"
            quote={null}
            error={null}
          />
        </details>
      ) : null}
      {comment.replies.length > 0 && !more ? (
        <ol className="replies">
          {comment.replies.map((reply) => (
            <li key={reply.id}>
              <CommentItem comment={reply} root={root} depth={depth + 1} panel={panel} />
            </li>
          ))}
        </ol>
      ) : null}
      {more ? (
        <p className="continue-thread">
          <Link
            to={pageHref(panel, { focus: comment.id, hash: `c-${comment.id}` })}
            preventScrollReset
            onClick={(event) => {
              if (!hydrated) return;
              event.preventDefault();
              setFocus(comment.id, comment.id);
            }}
          >
            Continue this thread ({plural(countReplies(comment), "more reply", "more replies")})
          </Link>
        </p>
      ) : null}
      {hydrated && replyingTo === comment.id && canReply ? (
        <div className="reply-composer">
          <LiveComposer
            target={replyTarget}
            onDone={(id) => {
              setReplyingTo(null);
              discussion.showComment(id);
            }}
            onCancel={() => {
              setReplyingTo(null);
              requestAnimationFrame(() => document.getElementById(`reply-button-${comment.id}`)?.focus());
            }}
          />
        </div>
      ) : null}
    </article>
  );
}

/** Reactions, reply, answer, and the "More" menu: each a plain form, sent by a fetcher once hydrated. */
function CommentActions({ comment, root, panel, canReply }: { comment: CommentView; root: ThreadView; panel: string; canReply: boolean }) {
  const discussion = useDiscussion();
  const { data, hydrated, submitSmall, replyingTo, setReplyingTo, editing, setEditing } = discussion;
  const live = useLive();
  const action = discussion.actionHref(panel, discussion.focusId);
  const moderator = data.may.moderate;
  const isRoot = comment.id === root.id;
  const visible = comment.state === "visible" && comment.body !== null;

  // Reactions in flight count already (each submission toggles once).
  const toggled = new Set<ReactionKind>();
  for (const form of live.pending.get(comment.id) ?? []) {
    if (form.get("intent") !== "react") continue;
    const reaction = form.get("reaction") as ReactionKind;
    if (toggled.has(reaction)) toggled.delete(reaction);
    else toggled.add(reaction);
  }

  const canMarkAnswer = !isRoot && root.kind === "question" && (root.mine || moderator) && comment.state !== "removed";
  const markedAnswer = root.answerId === comment.id;
  const canFlag = data.may.post && !comment.mine && comment.state === "visible";
  const canDelete = comment.mine || moderator;

  return (
    <div className="comment-actions">
      {visible && data.may.post ? (
        <form method="post" action={action} className="reactions" onSubmit={submitSmall}>
          <HiddenFields intent="react" commentId={comment.id} />
          <span role="group" aria-label="Reactions" className="reaction-group">
          {REACTIONS.map((reaction) => {
            const mine = comment.myReactions.includes(reaction) !== toggled.has(reaction);
            const base = comment.reactions[reaction] - (comment.myReactions.includes(reaction) ? 1 : 0);
            const count = base + (mine ? 1 : 0);
            return (
              <button key={reaction} type="submit" name="reaction" value={reaction} className="reaction" aria-pressed={mine}>
                {REACTION_LABELS[reaction]}
                {count > 0 ? <span className="reaction-count"> {count}</span> : null}
              </button>
            );
          })}
          </span>
        </form>
      ) : null}
      {hydrated && canReply ? (
        <button
          type="button"
          id={`reply-button-${comment.id}`}
          className="secondary comment-action"
          aria-expanded={replyingTo === comment.id}
          onClick={() => {
            const opening = replyingTo !== comment.id;
            setReplyingTo(opening ? comment.id : null);
            if (opening) requestAnimationFrame(() => document.getElementById(composerFieldId({ mode: "reply", parentId: comment.id, parentAuthor: "", panel }))?.focus());
          }}
        >
          Reply
        </button>
      ) : null}
      {hydrated && comment.mine ? (
        <button
          type="button"
          id={`edit-button-${comment.id}`}
          className="secondary comment-action"
          aria-expanded={editing === comment.id}
          onClick={() => {
            const opening = editing !== comment.id;
            setEditing(opening ? comment.id : null);
            if (opening) requestAnimationFrame(() => document.getElementById(`edit-${comment.id}`)?.focus());
          }}
        >
          Edit
        </button>
      ) : null}
      {canMarkAnswer ? (
        <form method="post" action={action} onSubmit={submitSmall} data-done={markedAnswer ? "No longer marked as the answer" : "Marked as the answer"}>
          <HiddenFields intent="answer" commentId={comment.id} />
          <button type="submit" className="secondary comment-action">
            {markedAnswer ? "Unmark answer" : "Mark as answer"}
          </button>
        </form>
      ) : null}
      {canFlag || canDelete || moderator ? (
        <details className="comment-more">
          <summary>More</summary>
          <div className="comment-more-body">
            {canFlag ? (
              <form method="post" action={action} onSubmit={submitSmall} data-done="Flag sent: a moderator will look at it" className="flag-form">
                <HiddenFields intent="flag" commentId={comment.id} />
                <label htmlFor={`flag-${comment.id}`}>Why should a moderator look at this?</label>
                <textarea id={`flag-${comment.id}`} name="reason" rows={2} required minLength={3} maxLength={500} />
                <button type="submit" className="secondary">
                  Flag for moderators
                </button>
              </form>
            ) : null}
            {canDelete ? (
              <form method="post" action={action} onSubmit={submitSmall} data-done="Comment deleted">
                <HiddenFields intent="delete" commentId={comment.id} />
                <button type="submit" className="secondary danger">
                  {comment.mine ? "Delete my comment" : "Delete comment"}
                </button>
              </form>
            ) : null}
            {moderator ? (
              <form method="post" action={action} onSubmit={submitSmall} className="row-actions">
                <HiddenFields intent="pin" commentId={comment.id} />
                {comment.pinned?.scope !== "passage" ? (
                  <button type="submit" name="scope" value="passage" className="secondary" data-done="Pinned to the passage">
                    Pin to the passage
                  </button>
                ) : null}
                {comment.pinned?.scope !== "lesson" ? (
                  <button type="submit" name="scope" value="lesson" className="secondary" data-done="Pinned to the lesson">
                    Pin to the lesson
                  </button>
                ) : null}
                {comment.pinned ? (
                  <button type="submit" name="scope" value="none" className="secondary" data-done="Unpinned">
                    Unpin
                  </button>
                ) : null}
              </form>
            ) : null}
            {moderator ? (
              <form method="post" action={action} onSubmit={submitSmall} className="row-actions">
                <HiddenFields intent="moderate" commentId={comment.id} />
                {comment.state === "hidden" ? (
                  <button type="submit" name="action" value="restore" className="secondary" data-done="Comment restored">
                    Restore comment
                  </button>
                ) : (
                  <button type="submit" name="action" value="hide" className="secondary danger" data-done="Comment hidden">
                    Hide comment
                  </button>
                )}
                {isRoot ? (
                  root.locked ? (
                    <button type="submit" name="action" value="unlock" className="secondary" data-done="Thread unlocked">
                      Unlock thread
                    </button>
                  ) : (
                    <button type="submit" name="action" value="lock" className="secondary" data-done="Thread locked">
                      Lock thread
                    </button>
                  )
                ) : null}
                {comment.flags > 0 ? (
                  <button type="submit" name="action" value="dismiss" className="secondary" data-done="Flags dismissed">
                    Dismiss flags
                  </button>
                ) : null}
              </form>
            ) : null}
          </div>
        </details>
      ) : null}
    </div>
  );
}
