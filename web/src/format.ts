/** Display helpers shared by every page. Dates are shown in UTC with the zone named, never in a guessed locale. */

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
}

/** "in 2 days", "3 hours ago": the coarse unit that matters for a deadline. */
export function formatRemaining(ms: number): string {
  const abs = Math.abs(ms);
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  let text = 'less than a minute';
  for (const [size, name] of units) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      text = `${n} ${name}${n === 1 ? '' : 's'}`;
      break;
    }
  }
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** "acknowledged" → "Acknowledged", "in-scope" → "In scope". */
export function humanize(code: string): string {
  const s = code.replace(/[-_]/g, ' ').replace(/\bwont\b/g, 'won’t');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "48h" → "48 hours", "5bd" → "5 business days", as the policy's durations read. */
export function formatDuration(text: string): string {
  const m = /^(\d+)\s*(h|d|bd|w)$/.exec(text.trim());
  if (!m) return text;
  const n = Number(m[1]);
  const unit = { h: 'hour', d: 'day', bd: 'business day', w: 'week' }[m[2] as 'h' | 'd' | 'bd' | 'w'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * A URL from a policy, usable as a link only when it is http(s) (or a same-site path); anything else
 * (javascript:, data:, ...) yields null and the text is shown unlinked.
 */
export function safeHref(url: string | undefined): string | null {
  if (!url) return null;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
