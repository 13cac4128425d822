/**
 * What the group lesson page's browser JavaScript holds (docs/decisions/0016), read from the
 * production build (the global setup builds it when stale): the Markdown parser and the forms'
 * validation stay on the server, and the Socket.IO client is a chunk of its own that the live layer
 * loads on demand. Sizes are measured by `npm run bench`, not asserted here.
 */
import { describe, expect, it } from "vitest";
import { LESSON_ROUTE, onDemandModules, onDemandPackages, routeScripts } from "../support/bundle.ts";

describe("the lesson page's initial JavaScript", () => {
  const scripts = routeScripts(LESSON_ROUTE);
  const modules = scripts.files.flatMap((file) => file.modules);

  it("is the entry, the root and the route with their imports", () => {
    expect(scripts.files.length).toBeGreaterThan(2);
    expect(scripts.packages).toEqual(expect.arrayContaining(["react", "react-dom", "@remix-run/react"]));
    expect(modules).toContain("app/routes/groups.$groupId.day.$day.tsx");
  });

  it("holds neither marked nor zod nor other server-side libraries", () => {
    for (const name of ["marked", "zod", "yaml", "approx-string-match", "@prisma/client", "better-sqlite3"]) expect(scripts.packages).not.toContain(name);
    // The parser and the schemas themselves: the page gets parsed trees, the server validates.
    expect(modules).not.toContain("app/content/comment-markdown.ts");
    expect(modules.filter((module) => /\.server\.tsx?$/.test(module) || module.includes("-schemas."))).toEqual([]);
  });

  it("loads the Socket.IO client only on demand", () => {
    for (const name of ["socket.io-client", "engine.io-client", "socket.io-parser"]) expect(scripts.packages).not.toContain(name);
    expect(onDemandPackages(scripts)).toContain("socket.io-client");
  });

  it("loads what the page as sent does not show only on demand", () => {
    // The live listeners, the shortcuts' dialog and j/k, the selection code, the @ picker's behaviour,
    // the reading tracker's work and the composer's drafts (docs/decisions/0016).
    const moved = [
      "app/components/live/lesson-live-attach.ts",
      "app/components/reader/keyboard-dialog.tsx",
      "app/components/discussion/selection-button.tsx",
      "app/components/discussion/selection.ts",
      "app/components/discussion/word-snap.ts",
      "app/components/discussion/mention-picker.tsx",
      "app/components/discussion/mentions.ts",
      "app/components/progress/read-tracking.ts",
      "app/components/discussion/drafts.ts",
    ];
    for (const module of moved) expect(modules).not.toContain(module);
    const onDemand = onDemandModules(scripts);
    for (const module of moved) expect(onDemand).toContain(module);
  });
});
