/** The largest lesson file accepted (shared by the importer and the upload form). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
