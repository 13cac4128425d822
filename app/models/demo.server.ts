import type { Db } from "~/db/client.server.ts";
import { loadImportSet } from "~/content/load.server.ts";
import { hashPassword } from "./password.server.ts";
import { importContentTx } from "./content.server.ts";
import { seedDemoDiscussion } from "./demo-discussion.server.ts";
import { audit } from "./group.server.ts";

export const DEMO_PASSWORD = "marginalia-demo";
export const DEMO_GROUP_NAME = "Evening readers";
export const DEMO_ACCOUNTS = {
  moderator: { email: "moderator@example.org", displayName: "Mira (moderator)" },
  member: { email: "member@example.org", displayName: "Sam (member)" },
} as const;

/**
 * Creates the demo course, the two demo accounts, the demo group and its Day 1 discussion, in one transaction, only when the database
 * holds no user and no course: seeding never runs twice and never touches a database in use.
 */
export async function seedDemoIfEmpty(db: Db, demoCourseDir: string): Promise<boolean> {
  const [users, courses] = await Promise.all([db.user.count(), db.course.count()]);
  if (users > 0 || courses > 0) return false;
  const set = await loadImportSet([demoCourseDir]);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(
    async (tx) => {
      const moderator = await tx.user.create({ data: { ...DEMO_ACCOUNTS.moderator, passwordHash } });
      const member = await tx.user.create({ data: { ...DEMO_ACCOUNTS.member, passwordHash } });
      await importContentTx(tx, set, { ownerId: moderator.id });
      const course = await tx.course.findUniqueOrThrow({ where: { slug: set.course.slug } });
      const group = await tx.group.create({
        data: { courseId: course.id, name: DEMO_GROUP_NAME, description: "The demo group: Mira moderates, Sam reads along." },
      });
      await tx.membership.createMany({
        data: [
          { groupId: group.id, userId: moderator.id, role: "owner" },
          { groupId: group.id, userId: member.id, role: "member" },
        ],
      });
      // The group's history as the app would have written it, so its home's "Recent activity" is not empty.
      await audit(tx, group.id, moderator.id, "group.created", null);
      await audit(tx, group.id, member.id, "member.joined", null);
      // A living discussion on Day 1, so a first visit shows what the margin is for.
      await seedDemoDiscussion(tx, { groupId: group.id, courseId: course.id, moderatorId: moderator.id, memberId: member.id });
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  return true;
}
