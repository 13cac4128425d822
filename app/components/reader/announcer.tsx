import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";

const AnnounceContext = createContext<(message: string) => void>(() => {});

/** Say something to screen-reader users (and show it briefly): "Link copied". */
export function useAnnounce() {
  return useContext(AnnounceContext);
}

/** Provides useAnnounce() and renders the one polite live region it speaks through. */
export function Announcer({ children }: { children: React.ReactNode }) {
  const [message, setMessage] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout>>();

  const announce = useCallback((text: string) => {
    clearTimeout(timer.current);
    // Emptied first so that the same words twice in a row are announced twice.
    setMessage("");
    timer.current = setTimeout(() => setMessage(text), 50);
  }, []);

  useEffect(() => {
    if (!message) return;
    const hide = setTimeout(() => setMessage(""), 4000);
    return () => clearTimeout(hide);
  }, [message]);

  useEffect(() => () => clearTimeout(timer.current), []);

  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <p className="toast" role="status" aria-live="polite" data-empty={message === ""}>
        {message}
      </p>
    </AnnounceContext.Provider>
  );
}
