/**
 * The @ picker's behaviour (mention-combobox.tsx keeps its state): which members match, the keys,
 * the list. A chunk loaded on demand when an @ is first typed in a composer: nothing of it is on
 * the page as the server sends it (docs/decisions/0016). No hooks here: it runs inside the hook.
 */
import { insertMention, matchMembers, mentionQuery, type Member } from "./mentions.ts";
import type { MentionState } from "./mention-combobox.tsx";

export function mentionCombobox(state: MentionState) {
  const { id, members, body, setBody, query, setQuery, active, setActive, dismissed, setDismissed, caretAfter, field } = state;
  const listId = `${id}-mentions`;
  const options = query ? matchMembers(members, query.query) : [];
  const expanded = query !== null && dismissed !== query.start && options.length > 0;
  const activeIndex = Math.min(active, Math.max(0, options.length - 1));
  const optionId = (index: number) => `${listId}-${index}`;

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
