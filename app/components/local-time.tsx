/**
 * A point in time as `<time datetime>`: the server renders it in UTC, the browser then in the
 * reader's own zone. The one place times are rendered on the home and notifications pages, so a
 * shared relative-time component can replace it.
 */
import { useEffect, useState } from "react";

const options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };

export function LocalTime({ iso }: { iso: string }) {
  const [text, setText] = useState(() => `${new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(new Date(iso))} UTC`);
  useEffect(() => setText(new Intl.DateTimeFormat(undefined, options).format(new Date(iso))), [iso]);
  return <time dateTime={iso}>{text}</time>;
}
