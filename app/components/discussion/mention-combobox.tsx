import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { insertMention, matchMembers, mentionQuery, type Member } from "./mentions.ts";

// The caret is put back before paint in the browser; the server renders no effects at all.
const useCaretEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

/**
 * The @ picker on a composer's text field, as an ARIA 1.2 combobox: typing `@` and the start of a
 * name lists the group's members that match (a listbox the field controls); Up/Down move through
 * them (aria-activedescendant keeps focus in the field), Enter or Tab inserts `@handle`, Escape
 * closes the list and leaves the text as typed. A mouse click on an option does the same as Enter.
 */
export function useMentionCombobox({
  id,
  members,
  body,
  setBody,
}: {
  id: string;
  members: readonly Member[];
  body: string;
  setBody: (body: string) => void;
}) {
  const [query, setQuery] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  // Escape closes the list for the @word it was pressed in, until another one is typed.
  const [dismissed, setDismissed] = useState<number | null>(null);
  const caretAfter = useRef<number | null>(null);
  const field = useRef<HTMLTextAreaElement | null>(null);
  const listId = `${id}-mentions`;
  const options = query ? matchMembers(members, query.query) : [];
  const expanded = query !== null && dismissed !== query.start && options.length > 0;
  const activeIndex = Math.min(active, Math.max(0, options.length - 1));
  const optionId = (index: number) => `${listId}-${index}`;

  useCaretEffect(() => {
    if (caretAfter.current === null || !field.current) return;
    field.current.setSelectionRange(caretAfter.current, caretAfter.current);
    caretAfter.current = null;
  });

  function look(element: HTMLTextAreaElement) {
    field.current = element;
    const caret = element.selectionStart === element.selectionEnd ? element.selectionStart : null;
    const found = caret === null ? null : mentionQuery(element.value, caret);
    if (!found || !query || found.start !== query.start) setActive(0);
    if (found?.start !== dismissed) setDismissed(null);
    if (found?.start !== query?.start || found?.query !== query?.query) setQuery(found);
  }

  function pick(member: Member) {
    const element = field.current;
    if (!element || !query) return;
    const result = insertMention(body, query.start, element.selectionStart, member.handle);
    caretAfter.current = result.caret;
    setBody(result.text);
    setQuery(null);
    element.focus();
  }

  /** Handles the key when the list is open; true when it did (the composer then does nothing more). */
  function onKeyDown(event: React.KeyboardEvent<HTMLTextAreaElement>): boolean {
    field.current = event.currentTarget;
    if (!expanded || event.altKey || event.ctrlKey || event.metaKey) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      setActive((activeIndex + step + options.length) % options.length);
      return true;
    }
    if ((event.key === "Enter" && !event.shiftKey) || event.key === "Tab") {
      event.preventDefault();
      pick(options[activeIndex]!);
      return true;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      setDismissed(query!.start);
      return true;
    }
    return false;
  }

  const fieldProps = {
    role: "combobox",
    "aria-autocomplete": "list" as const,
    "aria-expanded": expanded,
    "aria-controls": expanded ? listId : undefined,
    "aria-activedescendant": expanded ? optionId(activeIndex) : undefined,
    onSelect: (event: React.SyntheticEvent<HTMLTextAreaElement>) => look(event.currentTarget),
    onBlur: () => setQuery(null),
  };

  const list = expanded ? (
    <ul className="mention-list" role="listbox" id={listId} aria-label="Members to mention">
      {options.map((member, index) => (
        <li
          key={member.id}
          id={optionId(index)}
          role="option"
          aria-selected={index === activeIndex}
          className="mention-option"
          // Keep focus (and the caret) in the field.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => pick(member)}
        >
          <span className="mention-name">{member.displayName}</span> <span className="mention-handle">@{member.handle}</span>
        </li>
      ))}
    </ul>
  ) : null;

  // Said once per change of the list, politely (the options themselves are read as they are reached).
  const status = expanded
    ? `${options.length} ${options.length === 1 ? "member matches" : "members match"}. Up and down to choose, Enter to insert, Escape to close.`
    : "";

  return { fieldProps, onKeyDown, list, status, look };
}
