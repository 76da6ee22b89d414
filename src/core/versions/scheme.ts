/** How one ecosystem reads and orders its version strings. */
export interface VersionScheme<V = unknown> {
  readonly name: string;
  /** null when the text is not a version of this scheme. */
  parse(text: string): V | null;
  /** Precedence: negative, 0 or positive. */
  compare(a: V, b: V): number;
  /** Whether two parsed versions name the same release (stricter than precedence where build metadata counts). */
  equals(a: V, b: V): boolean;
}

export const compareNumbers = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);

export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
