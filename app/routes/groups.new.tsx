import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FormError, SubmitButton } from "~/components/form.tsx";
import { GroupSettingsFields } from "~/components/group-settings-fields.tsx";
import { listCourses } from "~/models/course.server.ts";
import { createGroup } from "~/models/group.server.ts";
import { requireUser } from "~/http/signed-in.server.ts";
import { formValues, readForm } from "~/http/form-data.ts";
import { parseGroupSettings } from "~/actions/group-settings-form.server.ts";

export const meta: MetaFunction = () => [{ title: "Start a group · Marginalia" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireUser(context, request);
  const courses = await listCourses(context.db);
  return { courses: courses.map((course) => ({ slug: course.slug, title: course.title, dayCount: course.dayCount })) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = requireUser(context, request);
  const formData = await readForm(request);
  const values = formValues(formData);
  const course = values.course ? await context.db.course.findUnique({ where: { slug: values.course }, select: { id: true } }) : null;
  const settings = parseGroupSettings(formData);
  const errors = { ...(settings.ok ? {} : settings.errors), ...(course ? {} : { course: "Choose the course the group will read." }) };
  if (!settings.ok || !course) return data({ errors, values }, { status: 400 });
  const group = await createGroup(context.db, auth.user.id, course.id, settings.settings);
  return redirect(`/groups/${group.id}`);
}

export default function NewGroup() {
  const { courses } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errors: Record<string, string | undefined> = actionData?.errors ?? {};
  const values = actionData?.values ?? {};
  return (
    <section className="page narrow-wide">
      <h1>Start a reading group</h1>
      <p>You will be its owner: you can invite people, choose moderators and set the pace.</p>
      {courses.length === 0 ? (
        <p className="empty">There are no courses to read yet.</p>
      ) : (
        <Form method="post" className="stack" noValidate>
          <FormError message={errors.form} />
          <div className="field">
            <label htmlFor="group-course">Course</label>
            <select id="group-course" name="course" defaultValue={values.course ?? params.get("course") ?? courses[0]!.slug} aria-invalid={errors.course ? true : undefined}>
              {courses.map((course) => (
                <option key={course.slug} value={course.slug}>
                  {course.title} ({course.dayCount} days)
                </option>
              ))}
            </select>
            {errors.course ? <p className="error" role="alert">{errors.course}</p> : null}
          </div>
          <GroupSettingsFields
            values={{ ...values, lockAhead: values.lockAhead === "on", startDate: values.startDate ?? null, daysPerWeek: values.daysPerWeek ?? null }}
            errors={errors}
          />
          <SubmitButton busyLabel="Creating…">Create group</SubmitButton>
        </Form>
      )}
    </section>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error-boundary.tsx";
