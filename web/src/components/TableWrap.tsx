import type { ReactNode } from 'react';

/**
 * A table that scrolls inside its own region when it is wider than a phone: words in cells never break mid-word
 * (app.css), so a narrow screen scrolls the region — reachable by keyboard and named for screen readers — and never
 * the page sideways.
 */
/**
 * `stack`: a table of records whose columns do not fit a phone: there each row reads as one block, every cell under
 * its column's name (each `td` carries it as `data-label`), instead of columns cut off at the region's edge.
 */
export function TableWrap({ label, stack = false, children }: { label: string; stack?: boolean; children: ReactNode }) {
  return (
    <div className={stack ? 'table-wrap table-wrap--stack' : 'table-wrap'} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
