import { useEffect, useLayoutEffect, useRef, useState, type Dispatch, type MutableRefObject, type SetStateAction } from "react";
import type { Member } from "./mentions.ts";

// The caret is put back before paint in the browser; the server renders no effects at all.
const useCaretEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

/** The picker's behaviour: a chunk of its own, loaded when an @ is first typed (docs/decisions/0016). */
const loadPicker = () => import("./mention-picker.tsx");
type Picker = Awaited<ReturnType<typeof loadPicker>>;

export interface MentionState {
  id: string;
  members: readonly Member[];
  body: string;
  setBody: (body: string) => void;
  query: { start: number; query: string } | null;
  setQuery: Dispatch<SetStateAction<{ start: number; query: string } | null>>;
  active: number;
  setActive: Dispatch<SetStateAction<number>>;
  /** Escape closes the list for the @word it was pressed in, until another one is typed. */
  dismissed: number | null;
  setDismissed: Dispatch<SetStateAction<number | null>>;
  caretAfter: MutableRefObject<number | null>;
  field: MutableRefObject<HTMLTextAreaElement | null>;
}

/**
 * The @ picker on a composer's text field, as an ARIA 1.2 combobox: typing `@` and the start of a
 * name lists the group's members that match (a listbox the field controls); Up/Down move through
 * them (aria-activedescendant keeps focus in the field), Enter or Tab inserts `@handle`, Escape
 * closes the list and leaves the text as typed. A mouse click on an option does the same as Enter.
 *
 * Its state lives here; what it does (mention-picker.tsx) loads the first time an @ is typed, and
 * the list opens for it then. Until then the field is a collapsed combobox, as it is with no match.
 */
export function useMentionCombobox({ id, members, body, setBody }: { id: string; members: readonly Member[]; body: string; setBody: (body: string) => void }) {
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const caretAfter = useRef<number | null>(null);
  const field = useRef<HTMLTextAreaElement | null>(null);
  const [picker, setPicker] = useState<Picker | null>(null);
  const state: MentionState = { id, members, body, setBody, query, setQuery, active, setActive, dismissed, setDismissed, caretAfter, field };
  const latest = useRef(state);
  latest.current = state;

  useCaretEffect(() => {
    if (caretAfter.current === null || !field.current) return;
    field.current.setSelectionRange(caretAfter.current, caretAfter.current);
    caretAfter.current = null;
  });

  if (picker) return picker.mentionCombobox(state);

  function look(element: HTMLTextAreaElement) {
    field.current = element;
    if (!element.value.includes("@")) return;
    loadPicker().then(
      (module) => {
        setPicker(module);
        // The @ typed meanwhile: look at the field as it is now, with the picker's code.
        if (latest.current.field.current) module.mentionCombobox(latest.current).look(latest.current.field.current);
      },
      (error: unknown) => console.warn("the @ picker is unavailable: could not load its code", error),
    );
  }
  return {
    fieldProps: {
      role: "combobox",
      "aria-autocomplete": "list" as const,
      "aria-expanded": false,
      "aria-controls": undefined as string | undefined,
      "aria-activedescendant": undefined as string | undefined,
      onSelect: (event: React.SyntheticEvent<HTMLTextAreaElement>) => look(event.currentTarget),
      onBlur: () => {},
    },
    onKeyDown: (event: React.KeyboardEvent<HTMLTextAreaElement>): boolean => {
      field.current = event.currentTarget;
      return false;
    },
    list: null as React.ReactNode,
    status: "",
    look,
  };
}
