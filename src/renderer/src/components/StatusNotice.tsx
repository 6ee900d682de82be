import type { ReactNode } from 'react';

/** What an action did, announced politely (role="status"); nothing when there is nothing to say. */
export function StatusNotice({ children }: { children: ReactNode }) {
  if (children === null || children === undefined || children === false || children === '') return null;
  return (
    <p className="notice notice-ok" role="status">
      {children}
    </p>
  );
}
