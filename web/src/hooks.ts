import { useEffect, useState } from 'react';

export type Loadable<T> = { state: 'loading' } | { state: 'ready'; data: T } | { state: 'error'; error: unknown };

/**
 * Runs an async loader when its dependencies change and tracks its result; a newer run discards an older one's
 * answer. `reload()` runs it again (after a change the page made).
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [Loadable<T>, () => void] {
  const [result, setResult] = useState<Loadable<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setResult({ state: 'ready', data }),
      (error: unknown) => current && setResult({ state: 'error', error }),
    );
    return () => {
      current = false;
    };
    // The loader closes over the deps; listing them (not the function) is what decides when to reload.
  }, [...deps, generation]);
  return [result, () => setGeneration((g) => g + 1)];
}

/** Sets the document title for the page being shown ("… · Embargo"). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Embargo` : 'Embargo';
  }, [title]);
}
