import { useId, type HTMLAttributes, type ReactNode } from 'react';

type SectionProps = Omit<HTMLAttributes<HTMLElement>, 'aria-labelledby' | 'className' | 'children'>;

/**
 * A `<section class="card">` named by its `<h2>` heading (aria-labelledby), then its content.
 * `headingId` fixes the heading's id; otherwise one is made. Other props (e.g. data-testid) go on the section.
 */
export function Card({ heading, headingId, children, ...section }: SectionProps & { heading: ReactNode; headingId?: string; children?: ReactNode }) {
  const made = useId();
  const id = headingId ?? `${made}-h`;
  return (
    <section className="card" aria-labelledby={id} {...section}>
      <h2 id={id}>{heading}</h2>
      {children}
    </section>
  );
}
