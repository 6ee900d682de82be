import type { ReactNode } from 'react';

/** One labelled fact of a `dl.run-facts` (status, environment, operator…). */
export function Fact({ label, className, testId, children }: { label: string; className?: string; testId?: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={className} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
