import { ApiError } from '../api.ts';

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

/**
 * What went wrong, in the server's words: its field problems ("cna_org_id is required …") when it sent any, which
 * say more than the summary that goes with them ("Invalid input"), else its message.
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.problems.length) return error.problems.map((p) => `${p.field && !p.field.startsWith('(') ? `${p.field} ` : ''}${p.message}.`).join(' ');
    return error.status === 404 ? 'Not found. Check the address.' : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** What went wrong, in the server's words when it gave any. */
export function ErrorMessage({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  const message = errorText(error);
  return (
    <div className="notice notice--error" role="alert">
      <h2>{title}</h2>
      <p>{message}</p>
    </div>
  );
}

/** A page whose data could not be loaded: the page's one <h1>, then what went wrong. */
export function PageLoadError({ heading, error, title }: { heading: string; error: unknown; title: string }) {
  return (
    <>
      <h1>{heading}</h1>
      <ErrorMessage error={error} title={title} />
    </>
  );
}

/** The outcome of an action the user just took, or null: read out as a status when it went well, an alert when not. */
export type Outcome = { ok: boolean; text: string } | null;

export function OutcomeMessage({ outcome }: { outcome: Outcome }) {
  if (!outcome) return null;
  return (
    <p className={outcome.ok ? 'notice notice--ok' : 'notice notice--error'} role={outcome.ok ? 'status' : 'alert'}>
      {outcome.text}
    </p>
  );
}
