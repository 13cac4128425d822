import { describe, expect, it } from "vitest";
import { MigrationError, pendingMigrations, type MigrationFile } from "./migrate.server.ts";

const files: MigrationFile[] = [
  { name: "20260101000000_init", sql: "CREATE TABLE a (id int);", checksum: "c1" },
  { name: "20260201000000_more", sql: "CREATE TABLE b (id int);", checksum: "c2" },
];
const applied = (name: string, checksum: string, finished: unknown = new Date()) => ({
  migration_name: name,
  checksum,
  finished_at: finished,
  rolled_back_at: null,
});

describe("pendingMigrations", () => {
  it("applies everything to an empty database, in order", () => {
    expect(pendingMigrations(files, []).map((file) => file.name)).toEqual(["20260101000000_init", "20260201000000_more"]);
  });

  it("skips what is recorded", () => {
    expect(pendingMigrations(files, [applied("20260101000000_init", "c1")]).map((file) => file.name)).toEqual(["20260201000000_more"]);
  });

  it("refuses a migration edited after it was applied", () => {
    expect(() => pendingMigrations(files, [applied("20260101000000_init", "other")])).toThrow(/was edited after it was applied/);
  });

  it("refuses a half-applied migration", () => {
    expect(() => pendingMigrations(files, [applied("20260101000000_init", "c1", null)])).toThrow(MigrationError);
  });

  it("refuses a database that is ahead of the folder", () => {
    expect(() => pendingMigrations(files.slice(0, 1), [applied("20260101000000_init", "c1"), applied("20260201000000_more", "c2")])).toThrow(
      /not in the migrations folder/,
    );
  });
});
