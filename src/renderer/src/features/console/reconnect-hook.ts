/** The console's side of reconnect.ts: schedules the next try and says when it comes. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { freshRetry, nextRetry } from './reconnect';
import type { ConsoleView } from './session';

export function useHostLostRetry(reconnect: () => void): {
  onView(view: ConsoleView): void;
  note: string | null;
} {
  const state = useRef(freshRetry());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const reconnectRef = useRef(reconnect);
  useEffect(() => {
    reconnectRef.current = reconnect;
  }, [reconnect]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  const onView = useCallback((view: ConsoleView) => {
    const delay = nextRetry(state.current, view);
    if (delay === null) {
      if (view.s !== 'connecting') setNote(null);
      return;
    }
    if (timer.current) clearTimeout(timer.current);
    setNote(`Reconnecting by itself in ${Math.round(delay / 1000)} s…`);
    timer.current = setTimeout(() => {
      timer.current = null;
      reconnectRef.current();
    }, delay);
  }, []);
  return { onView, note };
}
