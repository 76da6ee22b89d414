/** `PRIV-2026-0007`: project prefix, year of submission, per-project-per-year sequence (4 digits, grows past 9999). */
export const formatTrackingId = (prefix: string, year: number, sequence: number): string =>
  `${prefix}-${year}-${String(sequence).padStart(4, '0')}`;

export const TRACKING_ID_PATTERN = /^[A-Z][A-Z0-9]{1,9}-\d{4}-\d{4,}$/;
