import { createContext, useContext } from "react";
import { dayPath } from "./paths.ts";

/**
 * Where a link to another day of the course goes. The course reader links to the course's days; a
 * group's page provides its own days instead, so that "tomorrow" stays inside the group's discussion.
 */
const DayHrefContext = createContext<(courseSlug: string, day: number) => string>(dayPath);

export const DayHrefProvider = DayHrefContext.Provider;

export function useDayHref() {
  return useContext(DayHrefContext);
}
