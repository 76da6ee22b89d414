import type { ReactNode } from 'react';

/** A table's header row: one column header (`scope="col"`) per entry, in order. */
export function TableHead({ columns }: { columns: readonly ReactNode[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, i) => (
          // The columns are fixed for a table, so their position is a stable key.
          <th key={i} scope="col">
            {column}
          </th>
        ))}
      </tr>
    </thead>
  );
}
