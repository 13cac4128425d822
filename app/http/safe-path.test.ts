import { describe, expect, it } from "vitest";
import { safeRedirect } from "./signed-in.server.ts";
import { inSitePath } from "./safe-path.ts";
import { REDIRECT_BYPASSES } from "../../tests/support/hostile-input.ts";


describe("inSitePath", () => {
  it.each(REDIRECT_BYPASSES)("refuses %j", (target) => {
    expect(inSitePath(target)).toBeNull();
    expect(safeRedirect(target)).toBe("/");
    expect(safeRedirect(target, "/groups")).toBe("/groups");
  });

  it.each([
    ["/", "/"],
    ["/account", "/account"],
    ["/groups/abc/day/3?open=p-1#c-9", "/groups/abc/day/3?open=p-1#c-9"],
    ["/invite/AbCdEfGhIjKl", "/invite/AbCdEfGhIjKl"],
    ["/login?redirectTo=%2Fgroups%2Fx", "/login?redirectTo=%2Fgroups%2Fx"],
    ["/groups/x/./day/1", "/groups/x/day/1"],
    ["/a/%2f", "/a/%2f"],
  ])("keeps the in-site path %j", (target, expected) => {
    expect(inSitePath(target)).toBe(expected);
  });

  it("always gives an ASCII path, valid as a Location header", () => {
    expect(inSitePath("/cours/élan day")).toBe("/cours/%C3%A9lan%20day");
    expect(() => new Headers({ location: safeRedirect("/☃?q=ü#ä") })).not.toThrow();
  });

  it("refuses non-strings and very long targets", () => {
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined, "/account")).toBe("/account");
    expect(safeRedirect(`/${"a".repeat(5000)}`)).toBe("/");
  });

  it("never returns an unsafe fallback either", () => {
    expect(safeRedirect("//evil.example", "//evil.example")).toBe("/");
  });
});
