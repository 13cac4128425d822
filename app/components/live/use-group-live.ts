/**
 * The group's home page, live: when a session starts or ends (here or on another process), the page
 * catches up from its loader. After a dropped connection it catches up once more on return.
 */
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { withLiveSocket, type LiveSocket } from "./socket.ts";

export function useGroupLive(groupId: string) {
  const revalidator = useRevalidator();
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;
  useEffect(() => {
    const attach = (socket: LiveSocket) => {
      let connectedBefore = false;
      socket.on("connect", async () => {
        const answer = await socket.emitWithAck("group:watch", { groupId });
        if ("error" in answer) return;
        if (connectedBefore) revalidateRef.current();
        connectedBefore = true;
      });
      socket.on("group:session", (payload) => {
        if (payload.groupId === groupId) revalidateRef.current();
      });
      socket.on("group:membership-ended", (payload) => {
        if (payload.groupId === groupId) window.location.assign("/groups");
      });
      const leave = () => socket.disconnect();
      window.addEventListener("pagehide", leave);
      return () => {
        window.removeEventListener("pagehide", leave);
        socket.disconnect();
      };
    };
    return withLiveSocket(attach);
  }, [groupId]);
}
