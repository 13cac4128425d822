import path from "node:path";

export const rootDir = path.resolve(import.meta.dirname, "..", "..");
export const tmpDir = path.join(rootDir, "tests", ".tmp");
export const templateDbFile = path.join(tmpDir, "template.db");
