import {
  data,
  MaxPartSizeExceededError,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { stringify } from "yaml";
import { ContentImportError, formatContentError } from "~/content/errors.ts";
import { parseImportBuffers } from "~/content/import-set.ts";
import { MAX_FILE_BYTES } from "~/content/limits.ts";
import { describeImport } from "~/models/content-report.ts";
import { ImportRefused, importContent } from "~/models/content.server.ts";
import { getCourseOutline } from "~/models/course.server.ts";
import { requireUser } from "~/http/signed-in.server.ts";
import { overLimit, passRetryAfter } from "~/http/rate-limit-responses.server.ts";

// A refused write says when to retry (Retry-After).
export const headers = passRetryAfter;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Import lessons · ${data.course.title}` : "Import lessons" }];

const MAX_FILES = 40;

async function requireOwnedCourse(args: LoaderFunctionArgs) {
  const auth = requireUser(args.context, args.request);
  const course = await getCourseOutline(args.context.db, args.params.slug ?? "");
  if (!course) throw new Response("No such course.", { status: 404 });
  if (course.ownerId !== auth.user.id) throw new Response("Only the owner of this course can import lessons into it.", { status: 403 });
  return course;
}

export async function loader(args: LoaderFunctionArgs) {
  const course = await requireOwnedCourse(args);
  return { course: { slug: course.slug, title: course.title, dayCount: course.dayCount } };
}

type ActionResult = { ok: true; report: string[] } | { ok: false; problems: string[] };

export async function action(args: ActionFunctionArgs) {
  const course = await requireOwnedCourse(args);
  const refuse = (problems: string[]) => data<ActionResult>({ ok: false, problems }, { status: 400 });
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      args.request,
      unstable_createMemoryUploadHandler({ maxPartSize: MAX_FILE_BYTES }),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return refuse([`A file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB: split it into smaller readings.`]);
    return refuse(["The upload could not be read. Choose the files again and retry."]);
  }
  const files: { name: string; data: Uint8Array }[] = [];
  for (const entry of form.getAll("files")) {
    if (typeof entry === "string" || (entry.size === 0 && entry.name === "")) continue;
    files.push({ name: entry.name, data: new Uint8Array(await entry.arrayBuffer()) });
  }
  if (files.length === 0) return refuse(["Choose at least one lesson file (.md, .markdown or .txt)."]);
  if (files.length > MAX_FILES) return refuse([`At most ${MAX_FILES} files at once.`]);
  const manifestEntry = form.get("manifest");
  const uploadedManifest = manifestEntry && typeof manifestEntry !== "string" && manifestEntry.size > 0 ? manifestEntry : null;
  // Without a manifest of their own, the files belong to this course.
  const manifestText = uploadedManifest
    ? await uploadedManifest.text()
    : stringify({ course: { slug: course.slug, title: course.title, days: course.dayCount } });
  try {
    const set = parseImportBuffers(files, manifestText, uploadedManifest?.name ?? "this course");
    // Counted once the files have been read (the body's size is capped before that, in server.ts).
    const limited = await overLimit(args.context, "uploadsPerUser", args.context.auth!.user.id);
    if (limited) return data<ActionResult>({ ok: false, problems: [limited.message] }, { status: limited.status, headers: limited.headers });
    if (set.course.slug !== course.slug) {
      return refuse([`These files are for the course “${set.course.slug}”, not “${course.slug}”. Nothing was imported.`]);
    }
    const result = await importContent(args.context.db, set, { actingUserId: args.context.auth!.user.id });
    return data<ActionResult>({ ok: true, report: describeImport(result) });
  } catch (error) {
    if (error instanceof ContentImportError) return refuse(error.errors.map(formatContentError));
    if (error instanceof ImportRefused) return refuse([error.message]);
    throw error;
  }
}

export default function ImportPage() {
  const { course } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  return (
    <section className="page narrow-wide">
      <p className="eyebrow">
        <Link to={`/courses/${course.slug}`}>{course.title}</Link>
      </p>
      <h1>Import or revise lessons</h1>
      <p>
        Upload lesson files in Markdown with front matter or in the plain-text lesson and summary formats (
        described in the project’s <code>docs/content-format.md</code>). A file that changed becomes a new
        revision; passages whose text survived keep their place, and their discussion with them. Either every file is
        imported or none is.
      </p>
      {result && !result.ok ? (
        <div className="form-error" role="alert">
          <p>Nothing was imported:</p>
          <ul>
            {result.problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {result?.ok ? (
        <div role="status" className="done">
          <p>Imported.</p>
          <pre className="report">{result.report.join("\n")}</pre>
        </div>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="stack">
        <div className="field">
          <label htmlFor="import-files">Lesson files</label>
          <p className="hint" id="import-files-hint">
            .md, .markdown or .txt, up to {MAX_FILE_BYTES / 1024 / 1024} MB each. The course has {course.dayCount} days.
          </p>
          <input id="import-files" type="file" name="files" multiple required accept=".md,.markdown,.txt,text/plain,text/markdown" aria-describedby="import-files-hint" />
        </div>
        <div className="field">
          <label htmlFor="import-manifest">Manifest (optional)</label>
          <p className="hint" id="import-manifest-hint">
            A manifest.yaml that says which day a file without a day line belongs to.
          </p>
          <input id="import-manifest" type="file" name="manifest" accept=".yaml,.yml" aria-describedby="import-manifest-hint" />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? "Importing…" : "Import"}
        </button>
      </Form>
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
