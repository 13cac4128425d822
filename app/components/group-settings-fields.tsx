import { useEffect, useState } from "react";
import { Field } from "./form.tsx";

export interface GroupSettingsValues {
  name: string;
  description: string;
  paceMode: string;
  startDate: string | null;
  daysPerWeek: number | string | null;
  timeZone: string;
  lockAhead: boolean;
}

/** What "lock days ahead" promises (app/models/pace.ts, readerOpenThrough), said where it is chosen. */
export const LOCK_AHEAD_HELP =
  "A locked day stays closed to this group's members until its date: its text, its discussion, its search results and its progress — on the group's pages and in the course reader and search. Moderators and the owner can open it to prepare. Members who also belong to another group of the course where the day is open (or who own the course) can still read its text in the course reader."

/** Name, description and pace fields, shared by "new group" and "group settings". */
export function GroupSettingsFields({ values, errors }: { values: Partial<GroupSettingsValues>; errors: Record<string, string | undefined> }) {
  const [mode, setMode] = useState(values.paceMode ?? "self");
  // Without JavaScript the schedule fields always show; once hydrated, only for a scheduled pace.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <>
      <Field label="Name" name="name" required maxLength={80} defaultValue={values.name ?? ""} error={errors.name} />
      <div className="field">
        <label htmlFor="group-description">Description (optional)</label>
        <textarea id="group-description" name="description" rows={3} maxLength={1000} defaultValue={values.description ?? ""} aria-invalid={errors.description ? true : undefined} />
        {errors.description ? <p className="error" role="alert">{errors.description}</p> : null}
      </div>
      <fieldset className="field">
        <legend>Pace</legend>
        <label className="choice">
          <input type="radio" name="paceMode" value="self" checked={mode === "self"} onChange={() => setMode("self")} /> Self-paced — every day is open
        </label>
        <label className="choice">
          <input type="radio" name="paceMode" value="scheduled" checked={mode === "scheduled"} onChange={() => setMode("scheduled")} /> Scheduled — a start date and lesson days per week
        </label>
        {errors.paceMode ? <p className="error" role="alert">{errors.paceMode}</p> : null}
      </fieldset>
      {/* Shown without JavaScript too: the server ignores these fields for a self-paced group. */}
      <div className="pace-schedule" data-hidden={hydrated && mode === "self"}>
        <Field label="Day 1 is on" name="startDate" type="date" defaultValue={values.startDate ?? ""} error={errors.startDate} />
        <Field label="Lesson days per week" name="daysPerWeek" type="number" min={1} max={7} defaultValue={values.daysPerWeek ?? 5} error={errors.daysPerWeek} />
        <Field label="Time zone" name="timeZone" defaultValue={values.timeZone ?? "UTC"} hint="Days change at midnight here, e.g. Europe/Berlin." error={errors.timeZone} />
        <label className="choice">
          <input type="checkbox" name="lockAhead" defaultChecked={values.lockAhead ?? false} aria-describedby="lock-ahead-help" /> Lock days ahead of the schedule for members
        </label>
        <p className="hint" id="lock-ahead-help">
          {LOCK_AHEAD_HELP}
        </p>
      </div>
    </>
  );
}
