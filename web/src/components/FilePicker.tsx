import { useId, useRef } from 'react';
import { formatBytes } from '../format.ts';
import type { IntakeLimits } from '../api.ts';

/** Why a selection cannot be sent, checked against the server's limits before upload (null when it can). */
export function filesProblem(files: File[], limits: IntakeLimits): string | null {
  if (files.length > limits.max_attachments) return `at most ${limits.max_attachments} files can be attached (${files.length} chosen)`;
  const big = files.filter((f) => f.size > limits.max_attachment_bytes);
  if (big.length) return `${big.map((f) => f.name).join(', ')} ${big.length === 1 ? 'is' : 'are'} larger than ${formatBytes(limits.max_attachment_bytes)}`;
  const empty = files.filter((f) => f.size === 0);
  if (empty.length) return `${empty.map((f) => f.name).join(', ')} ${empty.length === 1 ? 'is' : 'are'} empty`;
  return null;
}

/**
 * A file input that lists what is chosen with each size against the limit, lets the user remove a file, and
 * states the limits up front. The selection is controlled by the parent (`files`, `onChange`).
 */
export function FilePicker({
  id,
  label,
  files,
  onChange,
  limits,
  error,
}: {
  id: string;
  label: string;
  files: File[];
  onChange: (files: File[]) => void;
  limits: IntakeLimits;
  error: string | null;
}) {
  const input = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const total = files.reduce((n, f) => n + f.size, 0);
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <p className="field__hint" id={hintId}>
        Up to {limits.max_attachments} files, each at most {formatBytes(limits.max_attachment_bytes)}. Screenshots, logs, text, PDF, archives and
        packet captures are accepted.
      </p>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <input
        ref={input}
        id={id}
        type="file"
        multiple
        aria-describedby={error ? `${hintId} ${id}-error` : hintId}
        aria-invalid={error ? true : undefined}
        onChange={(e) => {
          const chosen = Array.from(e.currentTarget.files ?? []);
          // Adding to the selection (not replacing it) lets files come from several folders.
          onChange([...files, ...chosen]);
          e.currentTarget.value = '';
        }}
      />
      {files.length > 0 && (
        <>
          <ul className="file-list" aria-label="Chosen files">
            {files.map((f, i) => {
              const tooBig = f.size > limits.max_attachment_bytes;
              return (
                <li key={`${f.name}-${i}`} className={tooBig ? 'file-list__item file-list__item--invalid' : 'file-list__item'}>
                  <span className="file-list__name">{f.name}</span>
                  <span className="file-list__size">
                    {formatBytes(f.size)}
                    {tooBig ? ` — over the ${formatBytes(limits.max_attachment_bytes)} limit` : ''}
                  </span>
                  <button type="button" className="button button--small button--secondary" onClick={() => onChange(files.filter((_, j) => j !== i))}>
                    Remove<span className="visually-hidden"> {f.name}</span>
                  </button>
                </li>
              );
            })}
          </ul>
          <p className="field__hint" aria-live="polite">
            {files.length} of {limits.max_attachments} files, {formatBytes(total)} in total.
          </p>
        </>
      )}
    </div>
  );
}
