import { useEffect, useRef } from 'react';
import type { FieldProblem } from '../api.ts';

/**
 * The error summary at the top of a form: one link per field problem (to the field's id), focused when it
 * appears so keyboard and screen-reader users hear what to fix. Field names map to labels via `labels`.
 */
export function ErrorSummary({
  problems,
  labels,
  idFor,
  subject = 'the report',
}: {
  problems: FieldProblem[];
  labels: Record<string, string>;
  idFor: (field: string) => string;
  /** What the form is about, as the heading names it. */
  subject?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (problems.length) box.current?.focus();
  }, [problems]);
  if (!problems.length) return null;
  return (
    <div className="notice notice--error" role="alert" tabIndex={-1} ref={box}>
      <h2>
        There {problems.length === 1 ? 'is a problem' : `are ${problems.length} problems`} with {subject}
      </h2>
      <ul>
        {problems.map((p) => (
          <li key={p.field + p.message}>
            <a href={`#${idFor(p.field)}`}>{fieldMessage(p, labels)}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export const fieldMessage = (p: FieldProblem, labels: Record<string, string>): string => `${labels[p.field] ?? p.field} ${p.message}`;

/** The message under one field (id `${id}-error`, referenced by the field's aria-describedby). */
export function FieldError({ id, problem, label }: { id: string; problem: FieldProblem | undefined; label: string }) {
  if (!problem) return null;
  return (
    <p className="field__error" id={`${id}-error`}>
      <span className="visually-hidden">Error: </span>
      {label} {problem.message}
    </p>
  );
}
