import type { ReactNode } from 'react';

/** A labelled control: `<div class="field">`, the label for `id`, then the control (which carries that id). */
export function Field({ id, label, children }: { id: string; label: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}
