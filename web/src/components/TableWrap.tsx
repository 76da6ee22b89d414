import type { ReactNode } from 'react';

/**
 * A table that scrolls inside its own region when it is wider than a phone: words in cells never break mid-word
 * (app.css), so a narrow screen scrolls the region — reachable by keyboard and named for screen readers — and never
 * the page sideways.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
