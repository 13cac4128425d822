/**
 * What the lesson page sends of its comments: each body parsed into its tree here, on the server, so
 * the browser renders trees and never needs marked (docs/decisions/0016). Only the comments a
 * response carries are parsed (the open passage's threads, the orphans, the key answers, an edit
 * history), not every comment of the lesson. `mentionable` is the group's members' handles, as the
 * page's own composer knows them.
 */
import { parseCommentMarkdown } from "~/content/comment-markdown.ts";
import type { CommentVersion, CommentView, KeyAnswer, ThreadView } from "~/components/discussion/types.ts";
import type { CommentView as LoadedComment, ThreadView as LoadedThread } from "./discussion.server.ts";
import type { KeyAnswer as LoadedKeyAnswer } from "./lesson-view.ts";

export function commentWithTree(comment: LoadedComment, mentionable: ReadonlySet<string>): CommentView {
  return {
    ...comment,
    tree: comment.body === null ? null : parseCommentMarkdown(comment.body, mentionable),
    replies: comment.replies.map((reply) => commentWithTree(reply, mentionable)),
  };
}

export function threadWithTrees(thread: LoadedThread, mentionable: ReadonlySet<string>): ThreadView {
  return { ...thread, ...commentWithTree(thread, mentionable) };
}

export function keyAnswerWithTree(answer: LoadedKeyAnswer, mentionable: ReadonlySet<string>): KeyAnswer {
  return { ...answer, tree: parseCommentMarkdown(answer.body, mentionable) };
}

export function versionWithTree(version: { body: string; editedAt: Date }, mentionable: ReadonlySet<string>): CommentVersion {
  return { body: version.body, editedAt: version.editedAt.toISOString(), tree: parseCommentMarkdown(version.body, mentionable) };
}
