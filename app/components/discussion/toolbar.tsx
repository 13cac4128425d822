import { Link } from "@remix-run/react";
import { CommentBody } from "~/components/comment-body.tsx";
import { FILTER_LABELS, FILTERS } from "~/models/discussion-rules.ts";
import { useDiscussion } from "./context.tsx";
import { formatWhen, plural } from "./format.ts";

/** A menu of the toolbar: a <details> (it opens without scripts); following a link in it closes it. */
function ToolbarMenu({ label, className, children }: { label: React.ReactNode; className?: string; children: React.ReactNode }) {
  return (
    <details
      className={`toolbar-menu${className ? ` ${className}` : ""}`}
      onClick={(event) => {
        const details = event.currentTarget;
        if ((event.target as Element).closest("a")) details.open = false;
      }}
    >
      <summary>{label}</summary>
      <div className="toolbar-menu-body">{children}</div>
    </details>
  );
}

/**
 * The discussion's part of the lesson toolbar: the filter (`?filter=`) as a menu, and one more menu
 * with the group's open questions and, for moderators, the queue and the exports.
 */
export function DiscussionToolbar() {
  const { data, basePath } = useDiscussion();
  const groupPath = `/groups/${data.group.id}`;
  const current = FILTER_LABELS[data.filter as keyof typeof FILTER_LABELS] ?? FILTER_LABELS.all;
  return (
    <nav className="discussion-toolbar" aria-label="Discussion">
      <ToolbarMenu label={data.filter === "all" ? "All comments" : current} className="filter-menu">
        <ul className="discussion-filters">
          {FILTERS.map((filter) => (
            <li key={filter}>
              <Link
                to={filter === "all" ? basePath : `${basePath}?filter=${filter}`}
                aria-current={data.filter === filter ? "page" : undefined}
                className="filter-link"
                preventScrollReset
              >
                {FILTER_LABELS[filter]}
              </Link>
            </li>
          ))}
        </ul>
      </ToolbarMenu>
      <ToolbarMenu label="More">
        <ul className="discussion-links">
          <li>
            <Link to={`${groupPath}/questions`}>Open questions in the group</Link>
          </li>
          {data.may.moderate ? (
            <>
              <li>
                <Link to={`${groupPath}/moderation`}>Moderation queue</Link>
              </li>
              {data.exports ? (
                <>
                  <li>
                    <a href={data.exports.jsonld} download>
                      Export as Web Annotation (JSON-LD)
                    </a>
                  </li>
                  <li>
                    <a href={data.exports.markdown} download>
                      Export as Markdown
                    </a>
                  </li>
                </>
              ) : null}
            </>
          ) : null}
        </ul>
      </ToolbarMenu>
    </nav>
  );
}

/** Below the toolbar: what is new since the last visit, and which filter narrows the margin. */
export function DiscussionNotes({ newCount }: { newCount: number }) {
  const { data, basePath } = useDiscussion();
  if (!(newCount > 0 && data.lastVisit) && data.filter === "all") return null;
  return (
    <div className="discussion-notes">
      {newCount > 0 && data.lastVisit ? (
        <p className="discussion-new">
          {plural(newCount, "new comment")} since your last visit (<time dateTime={data.lastVisit}>{formatWhen(data.lastVisit)}</time>), marked “new”.
        </p>
      ) : null}
      {data.filter !== "all" ? (
        <p className="discussion-filtered" role="status">
          Showing {FILTER_LABELS[data.filter as keyof typeof FILTER_LABELS]?.toLowerCase() ?? data.filter} only. <Link to={basePath}>Show all</Link>
        </p>
      ) : null}
    </div>
  );
}

/** Comments pinned to the lesson: the day's key answers, ahead of the text. */
export function KeyAnswers() {
  const { data, pageHref, hydrated, openPanel } = useDiscussion();
  if (data.keyAnswers.length === 0) return null;
  return (
    <section className="key-answers" aria-labelledby="key-answers-title">
      <h2 id="key-answers-title">Key answers</h2>
      <ol>
        {data.keyAnswers.map((answer) => (
          <li key={answer.id} className="key-answer">
            <CommentBody blocks={answer.tree} />
            <p className="meta">
              {answer.author}
              {answer.passageKey ? (
                <>
                  {" · "}
                  <a
                    href={pageHref(answer.passageKey, { hash: `c-${answer.id}` })}
                    onClick={(event) => {
                      if (!hydrated || !answer.passageKey) return;
                      event.preventDefault();
                      openPanel(answer.passageKey, { showComment: answer.id });
                    }}
                  >
                    In the margin
                  </a>
                </>
              ) : null}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
