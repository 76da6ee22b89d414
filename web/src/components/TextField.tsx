import type { ReactNode } from 'react';
import type { FieldProblem } from '../api.ts';
import { FieldError } from './FieldErrors.tsx';

/**
 * One labelled input with its hint and its error (under the label, tied with aria-describedby; the error's id is
 * `${id}-error`, the hint's `${id}-hint`), marked invalid while it has a problem.
 */
export function TextField({
  id,
  label,
  value,
  onChange,
  type = 'text',
  autoComplete,
  hint,
  problem,
  min,
  max,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'date';
  autoComplete?: string;
  hint?: ReactNode;
  problem?: FieldProblem | undefined;
  /** Bounds of a date field (`YYYY-MM-DD`). */
  min?: string;
  max?: string;
}) {
  const describedBy = [hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${problem ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={id} problem={problem} label={label} />
      <input
        id={id}
        type={type}
        autoComplete={autoComplete}
        spellCheck={false}
        value={value}
        min={min}
        max={max}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={problem ? true : undefined}
        aria-describedby={describedBy}
      />
    </div>
  );
}

/** A form's problems as the server or the browser found them, with the field each belongs to. */
export const problemOf = (problems: FieldProblem[], ...fields: string[]): FieldProblem | undefined => problems.find((p) => fields.includes(p.field));
