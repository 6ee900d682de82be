// One subscription to main's pushes for the whole page, shared by the components that listen.
import { useEffect, useRef } from 'react';
import type { PushListener, PushMessage } from '../../shared/push';
import { subscribe } from './api';

const listeners = new Set<PushListener>();
let unsubscribe: (() => void) | null = null;

function dispatch(message: PushMessage): void {
  for (const listener of [...listeners]) listener(message);
}

export function listen(listener: PushListener): () => void {
  listeners.add(listener);
  if (!unsubscribe && subscribe) unsubscribe = subscribe(dispatch);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = null;
    }
  };
}

/** Calls the latest `handler` for every push while the component is mounted. */
export function usePush(handler: PushListener): void {
  const ref = useRef(handler);
  useEffect(() => {
    ref.current = handler;
  });
  useEffect(() => listen((message) => ref.current(message)), []);
}
