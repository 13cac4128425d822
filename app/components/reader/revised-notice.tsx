import type { RevisedNotice as Notice } from "~/models/reader.server.ts";
import { HashLink } from "./hash-link.tsx";
import { passageId } from "./paths.ts";

function count(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 passages changed, 1 removed." */
export function describeChanges({ changedKeys, removedCount }: Pick<Notice, "changedKeys" | "removedCount">): string {
  const changed = changedKeys.length;
  if (changed > 0 && removedCount > 0) return `${count(changed, "passage", "passages")} changed, ${removedCount} removed.`;
  if (changed > 0) return `${count(changed, "passage", "passages")} changed.`;
  if (removedCount > 0) return `${count(removedCount, "passage", "passages")} removed.`;
  return "the wording of its passages is the same.";
}

export function RevisedNotice({ notice, revision }: { notice: Notice; revision: number }) {
  const first = notice.changedKeys[0];
  return (
    <div className="revised-notice" role="note">
      <p>
        This reading was revised since your last visit (revision {notice.since}
        <span aria-hidden="true"> → </span>
        <span className="visually-hidden"> to </span>
        {revision}): {describeChanges(notice)}
      </p>
      {first ? (
        <p>
          <HashLink id={passageId(first)}>Go to the first change</HashLink>
          {notice.changedKeys.length > 1 ? " (changed passages are marked in the margin)" : " (it is marked in the margin)"}
        </p>
      ) : null}
    </div>
  );
}
