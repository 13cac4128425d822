import { useEffect, useId, useState } from "react";
import { FieldError } from "./form.tsx";

/** The zones grouped by region ("Europe/Paris" under Europe), UTC and the like under "Other". */
function grouped(zones: readonly string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const zone of zones) {
    const region = zone.includes("/") ? zone.slice(0, zone.indexOf("/")) : "Other";
    groups.set(region, [...(groups.get(region) ?? []), zone]);
  }
  return [...groups];
}

/** "Europe/Port_of_Spain" → "Europe / Port of Spain". */
function zoneLabel(zone: string): string {
  return zone.replace(/_/g, " ").replace(/\//g, " / ");
}

/**
 * The time zone times are shown in and reading days start at midnight in: a list of the IANA zones.
 * Until one is chosen, the browser's own zone (detected once the page's scripts run) is preselected.
 */
export function TimeZoneSelect({ zones, chosen, error }: { zones: readonly string[]; chosen: string | null; error?: string }) {
  const id = useId();
  const [detected, setDetected] = useState<string | null>(null);
  useEffect(() => setDetected(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  const initial = chosen ?? (detected && zones.includes(detected) ? detected : "UTC");
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const list = zones.includes(initial) ? zones : [initial, ...zones];
  return (
    <div className="field">
      <label htmlFor={id}>Your time zone</label>
      <p className="hint" id={hintId}>
        Times are shown in it, and your reading days start at midnight there.
        {chosen ? null : detected ? ` Not chosen yet: ${zoneLabel(detected)} is your browser's.` : " Not chosen yet."}
      </p>
      {/* Remounted once the browser's zone is known, so it is the one preselected. */}
      <select
        id={id}
        name="timeZone"
        key={chosen ?? detected ?? "server"}
        defaultValue={initial}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${hintId} ${errorId}` : hintId}
      >
        {grouped(list).map(([region, members]) => (
          <optgroup key={region} label={region}>
            {members.map((zone) => (
              <option key={zone} value={zone}>
                {zoneLabel(zone)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <FieldError id={errorId} message={error} />
    </div>
  );
}

/** A hidden field carrying the browser's time zone (empty without scripts): sign-up detects it so. */
export function DetectedTimeZoneField() {
  const [zone, setZone] = useState("");
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone ?? ""), []);
  return <input type="hidden" name="timeZone" value={zone} />;
}
