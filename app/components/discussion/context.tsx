import { createContext, useContext } from "react";
import type { DiscussionActionData } from "~/actions/discussion-forms.server.ts";
import type { CommentView, LessonData } from "./types.ts";

export type { DiscussionActionData };

/** A quote picked in the text, waiting in its passage's composer. */
export interface DraftQuote {
  passageKey: string;
  readingId: string;
  exact: string;
  start: number;
  end: number;
}

export interface OpenOptions {
  /** Put the cursor in the panel's composer. */
  focusComposer?: boolean;
  /** Replace the composer's quote (null removes it). */
  quote?: DraftQuote | null;
  /** Scroll to and focus this comment once the panel shows it. */
  showComment?: string | null;
  /** Narrow the panel to this comment's sub-thread ("continue this thread"). */
  focus?: string | null;
}

export interface DiscussionContextValue {
  data: LessonData;
  /** /groups/:id/day/:day */
  basePath: string;
  /** The page's scripts run: forms go through fetchers, toggles are buttons. */
  hydrated: boolean;
  mentionable: ReadonlySet<string>;
  isNew: (comment: CommentView) => boolean;
  /** A link to this page with a panel open (for links that work without JavaScript). */
  pageHref: (open: string | null, extra?: { focus?: string | null; history?: string | null; comment?: string; hash?: string }) => string;
  /** Where the discussion forms post, so that a form without JavaScript comes back to its panel. */
  actionHref: (open: string | null, focus?: string | null) => string;
  openKey: string | null;
  focusId: string | null;
  openPanel: (key: string, options?: OpenOptions) => void;
  closePanel: (key: string, returnFocus?: boolean) => void;
  setFocus: (id: string | null, showComment?: string | null) => void;
  showComment: (id: string) => void;
  draftQuote: DraftQuote | null;
  setDraftQuote: (quote: DraftQuote | null) => void;
  replyingTo: string | null;
  setReplyingTo: (id: string | null) => void;
  editing: string | null;
  setEditing: (id: string | null) => void;
  /** onSubmit of the small forms (react, answer, pin, flag, moderate, delete): a fetcher once hydrated. */
  submitSmall: (event: React.FormEvent<HTMLFormElement>) => void;
  /** A form refused without JavaScript (the action's answer to a plain post). */
  refused: DiscussionActionData | null;
}

export const DiscussionContext = createContext<DiscussionContextValue | null>(null);

export function useDiscussion(): DiscussionContextValue {
  const value = useContext(DiscussionContext);
  if (!value) throw new Error("useDiscussion outside the lesson's discussion");
  return value;
}

/** Forms in flight and the last refusal, per comment: only the open panel's comments read these. */
export interface Live {
  pending: ReadonlyMap<string, FormData[]>;
  errors: ReadonlyMap<string, string>;
}

export const LiveContext = createContext<Live>({ pending: new Map(), errors: new Map() });

export function useLive(): Live {
  return useContext(LiveContext);
}

/** Each action answer is handled once, however often a component re-renders or remounts. */
export const handledResults = new WeakSet<object>();
