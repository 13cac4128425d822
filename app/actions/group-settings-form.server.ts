import { groupSettingsSchema, type GroupSettings } from "~/models/group-rules.ts";
import { isValidTimeZone } from "~/models/pace.ts";
import { fieldErrors, formValues } from "~/http/form-data.ts";

export type SettingsParse = { ok: true; settings: GroupSettings } | { ok: false; errors: Record<string, string>; values: Record<string, string> };

/** Validates the group settings fields of a form (shared by create and edit). */
export function parseGroupSettings(formData: FormData): SettingsParse {
  const values = formValues(formData);
  const parsed = groupSettingsSchema.safeParse(values);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error), values };
  if (!isValidTimeZone(parsed.data.timeZone)) {
    return { ok: false, errors: { timeZone: "Use a time zone name such as Europe/Berlin or UTC." }, values };
  }
  return { ok: true, settings: parsed.data };
}
