import { useMemo, type ReactNode } from 'react';
import { parsePolicy, type ParsePolicyResult } from '../../../../src/core/policy/parse.ts';
import type { FieldProblem } from '../../../../src/core/errors.ts';

/** "Line N: field message", as the policy editor lists a problem (the YAML syntax pseudo-field is left out). */
export const problemText = (p: FieldProblem) => `${p.line ? `Line ${p.line}: ` : ''}${p.field && !p.field.startsWith('(') ? `${p.field} ` : ''}${p.message}`;

/**
 * The core's policy parser (`src/core/policy`) on the text, in the browser, on every change: the same problems,
 * with the same lines, that the server would refuse the save with.
 */
export function usePolicyCheck(text: string): ParsePolicyResult {
  // The browser's clock, used only to check security_txt.expires.
  return useMemo(() => parsePolicy(text, { now: new Date() }), [text]);
}

/**
 * A policy YAML textarea with its problems listed under it ("Line N: field message") in a live region: the
 * settings page's policy editor and the new-project page both use it. `problems` is what to show (the browser's
 * check, or the server's answer after a refused save); `idle` replaces the list while there is nothing to check.
 */
export function PolicyYamlField({
  id,
  label = 'Policy (YAML)',
  hint,
  value,
  onChange,
  readOnly = false,
  problems,
  idle = null,
}: {
  id: string;
  label?: string;
  hint: ReactNode;
  value: string;
  onChange: (text: string) => void;
  readOnly?: boolean;
  problems: FieldProblem[];
  idle?: string | null;
}) {
  const invalid = idle === null && problems.length > 0;
  return (
    <>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
        <textarea
          id={id}
          className="code-editor"
          rows={24}
          spellCheck={false}
          readOnly={readOnly}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={`${id}-hint ${id}-problems`}
        />
      </div>
      <div id={`${id}-problems`} aria-live="polite">
        {idle !== null ? (
          <p className="notice">{idle}</p>
        ) : problems.length === 0 ? (
          <p className="notice notice--ok">The policy is valid.</p>
        ) : (
          <div className="notice notice--error">
            <p>
              {problems.length} problem{problems.length === 1 ? '' : 's'}:
            </p>
            <ul aria-label="Policy problems">
              {problems.map((p, i) => (
                <li key={i}>{problemText(p)}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </>
  );
}
