/**
 * What the lesson's text needs from a running live session, in two contexts that change at different
 * speeds: the spotlight (rarely: the margin's "Gather here" controls read it) and the shared reading
 * positions (several times a second: only the markers layer reads them, so the lesson itself does not
 * re-render while people scroll).
 */
import { useFetcher } from "@remix-run/react";
import { createContext, useContext, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useAnnounce } from "~/components/reader/announcer.tsx";
import { passageId } from "~/components/reader/paths.ts";
import type { LiveSessionView } from "~/realtime/events.ts";
import type { SessionActionData } from "~/actions/live-session-forms.server.ts";
import { initials } from "./presence-bar.tsx";

export interface SessionActions {
  /** POST /groups/:groupId/sessions */
  actionHref: string;
  /** Where a form without JavaScript comes back to (this lesson). */
  redirectTo: string;
  hydrated: boolean;
  /** A session form's answer: show the session as it now is. */
  answered(session: LiveSessionView | null | undefined, myVotes: string[] | undefined): void;
}

export const SessionActionsContext = createContext<SessionActions>({ actionHref: "", redirectTo: "", hydrated: false, answered: () => {} });

export interface Spotlight {
  sessionId: string | null;
  passageKey: string | null;
  facilitator: string | null;
  /** The viewer runs sessions (a moderator) and one is running on this lesson. */
  canSpotlight: boolean;
}

export const SpotlightContext = createContext<Spotlight>({ sessionId: null, passageKey: null, facilitator: null, canSpotlight: false });

export interface Positions {
  /** userId → passage key, of the others sharing where they read. */
  byUser: ReadonlyMap<string, string>;
  names: ReadonlyMap<string, string>;
  facilitatorId: string | null;
}

export const PositionsContext = createContext<Positions>({ byUser: new Map(), names: new Map(), facilitatorId: null });

/**
 * A live-session form: a plain POST without JavaScript (back to this lesson), a fetcher with it, whose
 * answer updates the session at once; a refusal is shown beside the form and announced.
 */
export function SessionForm({
  intent,
  fields,
  children,
  className,
  done,
  hash,
  onDone,
}: {
  intent: string;
  fields: Record<string, string>;
  children: React.ReactNode;
  className?: string;
  /** Said to screen readers when it worked. */
  done?: string;
  /** Where a form without JavaScript lands on the lesson page (`p-<key>`). */
  hash?: string;
  onDone?: () => void;
}) {
  const fetcher = useFetcher<SessionActionData>();
  const { actionHref, redirectTo, hydrated, answered } = useContext(SessionActionsContext);
  const announce = useAnnounce();
  const [error, setError] = useState<string | null>(null);
  const handled = useRef<object | null>(null);
  useEffect(() => {
    const result = fetcher.data;
    if (fetcher.state !== "idle" || !result || handled.current === result) return;
    handled.current = result;
    if (result.ok) {
      setError(null);
      answered(result.session, result.myVotes);
      if (done) announce(done);
      onDone?.();
    } else {
      const message = result.error ?? "That did not work.";
      setError(message);
      announce(message);
    }
    // answered/announce are stable; onDone is read once per answer.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetcher.state, fetcher.data]);
  return (
    <fetcher.Form method="post" action={actionHref} className={className} aria-busy={fetcher.state !== "idle" || undefined}>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <input type="hidden" name="redirectTo" value={`${redirectTo}${hash ? `#${hash}` : ""}`} />
      {hydrated ? <input type="hidden" name="_js" value="1" /> : null}
      {children}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </fetcher.Form>
  );
}

/**
 * Beside a passage during a live session: "Everyone is asked to gather here" on the spotlighted one,
 * and for the facilitator a "Gather here" button on every passage (and "Clear" on the spotlighted one).
 */
export function SpotlightControl({ passageKey, excerpt }: { passageKey: string; excerpt: string }) {
  const spotlight = useContext(SpotlightContext);
  if (!spotlight.sessionId) return null;
  const here = spotlight.passageKey === passageKey;
  if (!here && !spotlight.canSpotlight) return null;
  return (
    <div className={here ? "spotlight-control spotlight-here" : "spotlight-control"}>
      {here ? <p className="spotlight-note">{spotlight.facilitator ? `${spotlight.facilitator} asks everyone to gather here` : "Everyone is asked to gather here"}</p> : null}
      {spotlight.canSpotlight ? (
        <SessionForm
          intent="spotlight"
          fields={{ sessionId: spotlight.sessionId, passageKey: here ? "" : passageKey }}
          hash={passageId(passageKey)}
          done={here ? "Spotlight cleared" : "Everyone is asked to gather here"}
        >
          <button type="submit" className="link-button" aria-label={here ? undefined : `Gather here: ask everyone to look at “${excerpt}…”`}>
            {here ? "Clear the spotlight" : "Gather here"}
          </button>
        </SessionForm>
      ) : null}
    </div>
  );
}

/**
 * Small initials beside the passages where others are reading (decorative: the session panel lists
 * the same in words). Placed by measuring the passages, so the text never re-renders for them.
 */
/** useLayoutEffect in the browser; on the server (where it cannot run) the same no-op as useEffect. */
const useBrowserLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

export function PositionMarkers() {
  const { byUser, names, facilitatorId } = useContext(PositionsContext);
  const layer = useRef<HTMLDivElement>(null);
  const [tops, setTops] = useState<ReadonlyMap<string, number>>(() => new Map());
  const [resized, setResized] = useState(0);
  const groups = new Map<string, string[]>();
  for (const [userId, key] of byUser) groups.set(key, [...(groups.get(key) ?? []), userId]);
  const signature = [...groups.keys()].sort().join(",");

  useEffect(() => {
    const container = layer.current?.parentElement;
    if (!container || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => setResized((count) => count + 1));
    observer.observe(container);
    return () => observer.disconnect();
  }, []);

  useBrowserLayoutEffect(() => {
    const container = layer.current?.parentElement;
    if (!container) return;
    const base = container.getBoundingClientRect().top;
    const next = new Map<string, number>();
    for (const key of signature ? signature.split(",") : []) {
      const element = document.getElementById(passageId(key));
      if (element) next.set(key, element.getBoundingClientRect().top - base);
    }
    setTops(next);
  }, [signature, resized]);

  return (
    <div className="position-markers" ref={layer} aria-hidden="true">
      {[...groups].map(([key, userIds]) => {
        const top = tops.get(key);
        if (top === undefined) return null;
        const who = userIds.map((id) => names.get(id) ?? "Someone");
        return (
          <div key={key} className="position-marker" style={{ top }} title={`${who.join(", ")} ${who.length === 1 ? "is" : "are"} reading here`} data-passage-key={key}>
            {userIds.slice(0, 3).map((id) => (
              <span key={id} className="position-dot" data-facilitator={id === facilitatorId || undefined}>
                {initials(names.get(id) ?? "?")}
              </span>
            ))}
            {userIds.length > 3 ? <span className="position-more">+{userIds.length - 3}</span> : null}
          </div>
        );
      })}
    </div>
  );
}
