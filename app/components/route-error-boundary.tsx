import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

/**
 * An error boundary for pages with actions: declared on the route itself, so the root layout keeps
 * its data (the signed-in header) when an action refuses with 403/404.
 */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const message = isRouteErrorResponse(error) && typeof error.data === "string" ? error.data : "";
  const title = status === 404 ? "Not found" : status === 403 ? "Not allowed" : status === 410 ? "No longer available" : "Something went wrong";
  return (
    <section className="page narrow">
      <h1>{title}</h1>
      <p role="alert">
        {message || (status === 404 ? "There is nothing here. The link may be old, or mistyped." : "Something went wrong on our side. Please try again.")}
      </p>
      <p>
        <Link to="/groups">Your groups</Link> · <Link to="/">Start page</Link>
      </p>
    </section>
  );
}
