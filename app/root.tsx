import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useNavigation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import stylesUrl from "~/styles/app.css?url";
import { headerData } from "~/models/notifications.server.ts";
import { browserOffline, isOfflineResult } from "~/http/offline.ts";
import { useNonce } from "~/components/nonce.tsx";
import { liveReloadInFlight } from "~/components/live/use-catch-up.ts";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesUrl },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Marginalia" }];

/**
 * Offline, the header's data is kept as it is (see app/http/offline.ts). A lesson page catching up
 * on a live change loads only its own data: were the header's load to fail (the server restarting),
 * the whole page would turn into an error; the header is refreshed by the next navigation or form.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) => {
  if (isOfflineResult(actionResult) || browserOffline() || liveReloadInFlight()) return false;
  return defaultShouldRevalidate;
};

export async function loader({ context }: LoaderFunctionArgs) {
  const user = context.auth?.user;
  if (!user) return { user: null, unread: 0 };
  // One statement: the badge, and the zone times are shown in (RelativeTime; null: the browser's own, until one is chosen).
  const { unread, timeZone } = await headerData(context.db, user.id);
  return { user: { id: user.id, displayName: user.displayName, timeZone }, unread };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user ?? null;
  const unread = data?.unread ?? 0;
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        <SkipLink />
        <header className="site-header">
          <Link to="/" className="brand">
            Marginalia
          </Link>
          <nav aria-label="Main">
            <ul>
              {user ? (
                <>
                  <li>
                    <NavLink to="/groups">My groups</NavLink>
                  </li>
                  <li>
                    {/* The name is the visible text ("Notifications 3") and then "unread": it contains what is seen (WCAG 2.5.3). On phones the word gives way to a bell. */}
                    <NavLink to="/notifications">
                      <svg className="nav-icon" aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
                        <path d="M12 3.5a5.5 5.5 0 0 0-5.5 5.5v3.4L5 15.5h14l-1.5-3.1V9A5.5 5.5 0 0 0 12 3.5zM10 18.5a2 2 0 0 0 4 0" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
                      </svg>
                      <span className="nav-label">Notifications</span>
                      {unread ? (
                        <>
                          {" "}
                          <span className="badge">{unread > 99 ? "99+" : unread}</span>
                          <span className="visually-hidden"> unread</span>
                        </>
                      ) : null}
                    </NavLink>
                  </li>
                  <li>
                    {/* On phones a person glyph stands in for the name (no visible text then: the name is the link's name). */}
                    <NavLink to="/account" className="nav-account">
                      <svg className="nav-icon" aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
                        <path d="M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4.5 20a7.5 7.5 0 0 1 15 0" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
                      </svg>
                      <span className="nav-label">{user.displayName}</span>
                    </NavLink>
                  </li>
                  <li>
                    <Form method="post" action="/logout">
                      <button type="submit" className="link-button">
                        Log out
                      </button>
                    </Form>
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <NavLink to="/login">Log in</NavLink>
                  </li>
                  <li>
                    <NavLink to="/signup">Sign up</NavLink>
                  </li>
                </>
              )}
            </ul>
          </nav>
        </header>
        <PendingBar />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

/** Through the router (see HashLink): a bare "#main" breaks the router's scroll restoration. */
function SkipLink() {
  return (
    <Link className="skip-link" to={{ hash: "#main" }} onClick={() => requestAnimationFrame(() => document.getElementById("main")?.focus())}>
      Skip to content
    </Link>
  );
}

function PendingBar() {
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  return (
    <div className="pending-bar" data-active={busy} role="status" aria-live="polite">
      {busy ? <span className="visually-hidden">Loading…</span> : null}
    </div>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message = isRouteErrorResponse(error)
    ? typeof error.data === "string" && error.data
      ? error.data
      : error.statusText
    : "Something went wrong on our side. Please try again.";
  return (
    <section className="page narrow">
      <h1>{status === 404 ? "Not found" : status === 403 ? "Not allowed" : "Something went wrong"}</h1>
      <p>{status === 404 ? "There is nothing here. The link may be old, or mistyped." : message}</p>
      <p>
        <Link to="/">Back to the start</Link>
      </p>
    </section>
  );
}
