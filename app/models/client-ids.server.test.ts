import { describe, expect, it } from "vitest";
import { isUniqueViolation, writeOnce } from "./client-ids.server.ts";

const uniqueViolation = Object.assign(new Error("Unique constraint failed on the fields: (`id`)"), { code: "P2002" });

describe("writeOnce", () => {
  it("answers from what is stored without writing", async () => {
    let writes = 0;
    expect(await writeOnce(async () => "duplicate", async () => (writes++, "written"))).toBe("duplicate");
    expect(writes).toBe(0);
  });

  it("writes when nothing is stored", async () => {
    expect(await writeOnce(async () => null, async () => "written")).toBe("written");
  });

  it("on a unique violation, reads again and answers as the stored row says", async () => {
    let reads = 0;
    const earlier = async () => (reads++ === 0 ? null : "refused: taken");
    expect(await writeOnce(earlier, async () => Promise.reject(uniqueViolation))).toBe("refused: taken");
    expect(reads).toBe(2);
  });

  it("rethrows other errors, and a unique violation when nothing is stored under the id", async () => {
    const other = new Error("disk full");
    await expect(writeOnce(async () => null, async () => Promise.reject(other))).rejects.toBe(other);
    await expect(writeOnce(async () => null, async () => Promise.reject(uniqueViolation))).rejects.toBe(uniqueViolation);
  });

  it("knows Prisma's unique violation by its code", () => {
    expect(isUniqueViolation(uniqueViolation)).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error(), { code: "P2025" }))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });
});
