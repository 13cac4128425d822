import { describe, expect, it } from "vitest";
import { can, decide, ROLES, type GroupAction, type Role } from "./authz.ts";

const everyone = (action: GroupAction) => ROLES.filter((role) => can(role, action));

describe("decide", () => {
  it("refuses every action to non-members", () => {
    for (const action of ["group.view", "discussion.view", "group.leave"] as GroupAction[]) {
      expect(decide(null, action)).toEqual({ ok: false, reason: "You are not a member of this group.", status: 403 });
    }
  });

  it("gives moderation and invitations to owners and moderators, role changes to the owner alone", () => {
    expect(everyone("group.invite")).toEqual(["owner", "moderator"]);
    expect(everyone("discussion.moderate")).toEqual(["owner", "moderator"]);
    expect(everyone("group.viewAudit")).toEqual(["owner", "moderator"]);
    expect(everyone("discussion.post")).toEqual(["owner", "moderator", "member"]);
    const target = { role: "member" as Role, isSelf: false };
    expect(ROLES.filter((role) => can(role, "member.promote", target))).toEqual(["owner"]);
    expect(decide("moderator", "member.promote", target)).toEqual({ ok: false, reason: "Only the group's owner can change roles.", status: 403 });
    expect(everyone("group.editSettings")).toEqual(["owner"]);
  });

  it("lets a moderator remove members but not moderators or the owner; nobody removes themselves", () => {
    expect(can("moderator", "member.remove", { role: "member", isSelf: false })).toBe(true);
    expect(can("moderator", "member.remove", { role: "moderator", isSelf: false })).toBe(false);
    expect(can("owner", "member.remove", { role: "moderator", isSelf: false })).toBe(true);
    expect(can("owner", "member.remove", { role: "owner", isSelf: true })).toBe(false);
    expect(can("member", "member.remove", { role: "member", isSelf: false })).toBe(false);
  });

  it("promotes members and demotes moderators only", () => {
    expect(can("owner", "member.promote", { role: "moderator", isSelf: false })).toBe(false);
    expect(can("owner", "member.demote", { role: "member", isSelf: false })).toBe(false);
    expect(can("owner", "member.demote", { role: "moderator", isSelf: false })).toBe(true);
  });

  it("lets anyone leave except the owner, who must hand over first", () => {
    expect(can("member", "group.leave")).toBe(true);
    expect(can("moderator", "group.leave")).toBe(true);
    expect(decide("owner", "group.leave")).toEqual({ ok: false, reason: "Hand ownership to another member before leaving the group.", status: 400 });
  });

  it("lets moderators run live sessions, and every member join them and ask questions", () => {
    expect(everyone("session.run")).toEqual(["owner", "moderator"]);
    expect(everyone("session.join")).toEqual(["owner", "moderator", "member"]);
    expect(everyone("session.ask")).toEqual(["owner", "moderator", "member"]);
    expect(decide("member", "session.run")).toEqual({ ok: false, reason: "Only the group's moderators can do that.", status: 403 });
    expect(decide(null, "session.join")).toMatchObject({ ok: false, status: 403 });
  });
});
