/**
 * The dashboard's queue spans several projects, each paged and sorted by its server (keyset pages, most urgent
 * first). This merges those sorted streams lazily: a project's next page is fetched only when its buffered rows run
 * out, so showing the first rows of ten projects costs ten first pages, not ten whole queues. Rows compare by the
 * server's `queue_order` string, which sorts like the queue itself.
 */

export interface PageOf<T> {
  items: T[];
  /** Where the stream goes on; null when it has no more. */
  next: string | null;
}

export type FetchPage<T> = (source: string, cursor: string | null) => Promise<PageOf<T>>;

interface Source<T> {
  key: string;
  buffered: T[];
  cursor: string | null;
  exhausted: boolean;
}

export interface Merged<T> {
  shown: T[];
  sources: Source<T>[];
}

export const startMerge = <T>(sources: readonly string[]): Merged<T> => ({
  shown: [],
  sources: sources.map((key) => ({ key, buffered: [], cursor: null, exhausted: false })),
});

export const hasMore = <T>(m: Merged<T>): boolean => m.sources.some((s) => s.buffered.length > 0 || !s.exhausted);

/** Shows up to `count` more rows in merged order; returns a new state (the old one is left as it was). */
export async function showMore<T>(m: Merged<T>, count: number, order: (row: T) => string, fetch: FetchPage<T>): Promise<Merged<T>> {
  const sources = m.sources.map((s) => ({ ...s, buffered: [...s.buffered] }));
  const shown = [...m.shown];
  for (let taken = 0; taken < count; taken++) {
    // Every stream that may still have rows needs one buffered to know which row comes next.
    for (;;) {
      const empty = sources.filter((s) => s.buffered.length === 0 && !s.exhausted);
      if (!empty.length) break;
      await Promise.all(
        empty.map(async (s) => {
          const page = await fetch(s.key, s.cursor);
          s.buffered.push(...page.items);
          s.cursor = page.next;
          s.exhausted = page.next === null;
        }),
      );
    }
    let best: Source<T> | undefined;
    for (const s of sources) {
      const head = s.buffered[0];
      if (head !== undefined && (!best || order(head) < order(best.buffered[0] as T))) best = s;
    }
    const row = best?.buffered.shift();
    if (row === undefined) break;
    shown.push(row);
  }
  return { shown, sources };
}
