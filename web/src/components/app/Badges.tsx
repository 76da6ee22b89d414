import { humanize } from '../../format.ts';

/** Severity as a word in a coloured badge: the word carries the meaning, the colour only repeats it. */
export function SeverityBadge({ severity }: { severity: string | null }) {
  return <span className={`badge severity severity--${severity ?? 'unset'}`}>{severity ? `Severity: ${humanize(severity)}` : 'Severity: not set'}</span>;
}

export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state state--${state}`}>{humanize(state)}</span>;
}
