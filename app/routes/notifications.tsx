import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { RelativeTime } from "~/components/time.tsx";
import { z } from "zod";
import { listNotifications, markNotificationsRead } from "~/models/discussion.server.ts";
import { requireUser } from "~/http/signed-in.server.ts";
import { formValues, readForm } from "~/http/form-data.ts";

export const meta: MetaFunction = () => [{ title: "Notifications · Marginalia" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = requireUser(context, request);
  return { notifications: await listNotifications(context.db, auth.user.id) };
}

const readSchema = z.object({ id: z.string().min(1).max(40).optional(), all: z.literal("1").optional() });

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = requireUser(context, request);
  const parsed = readSchema.safeParse(formValues(await readForm(request)));
  if (!parsed.success) throw new Response("Malformed request.", { status: 400 });
  await markNotificationsRead(context.db, auth.user.id, parsed.data.id ? [parsed.data.id] : "all");
  return redirect("/notifications");
}

const WHAT = {
  reply: "replied to you",
  mention: "mentioned you",
  answer: "marked your reply as the answer",
  pin: "pinned your comment",
} as Record<string, string>;

export default function Notifications() {
  const { notifications } = useLoaderData<typeof loader>();
  const unread = notifications.filter((notification) => !notification.read).length;
  return (
    <section className="page narrow-wide">
      <div className="title-row">
        <h1>Notifications</h1>
        {unread > 0 ? (
          <Form method="post">
            <input type="hidden" name="all" value="1" />
            <button type="submit" className="secondary">
              Mark all as read
            </button>
          </Form>
        ) : null}
      </div>
      <p className="hint">Replies to you, mentions, answers marked and pins of your comments. Nothing else. Opening one marks it read.</p>
      {notifications.length === 0 ? (
        <p className="empty">Nothing yet. When someone replies to you or mentions you, it shows here.</p>
      ) : (
        <ul className="notification-list">
          {notifications.map((notification) => (
            <li key={notification.id} data-unread={!notification.read}>
              <p>
                {!notification.read ? <span className="visually-hidden">Unread: </span> : null}
                <strong>{notification.actor}</strong> {WHAT[notification.type] ?? notification.type} in{" "}
                <strong>{notification.groupName}</strong> on{" "}
                {/* Opening marks it read (GET /notifications/<id> redirects to the comment): a plain link, also without JavaScript. */}
                <a href={`/notifications/${notification.id}`} data-comment={notification.commentId}>
                  Day {notification.day}: {notification.lessonTitle}
                </a>
              </p>
              <p className="meta">
                <RelativeTime iso={notification.at} />
              </p>
              {notification.excerpt ? <p className="excerpt">{notification.excerpt}</p> : null}
              {!notification.read ? (
                <Form method="post">
                  <input type="hidden" name="id" value={notification.id} />
                  <button type="submit" className="link-button">
                    Mark as read
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
