/**
 * A data table that reads well at any width: at desktop a plain table (scrolling sideways if it must),
 * at phone width each row becomes a small card of "header: value" lines (styles.css, table.stack).
 * The header of each cell is copied into its data-label after every render, so callers write an
 * ordinary <thead>/<tbody>.
 */
import { useLayoutEffect, useRef, type ReactNode } from 'react';

export function DataTable({ label, children }: { label?: string; children: ReactNode }) {
  const ref = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    const table = ref.current;
    if (!table) return;
    const headers = Array.from(table.querySelectorAll('thead th'), (th) => th.textContent?.trim() ?? '');
    for (const row of Array.from(table.querySelectorAll('tbody tr'))) {
      Array.from(row.children).forEach((cell, i) => cell.setAttribute('data-label', headers[i] ?? ''));
    }
  });
  return (
    <div className="table-wrap">
      <table className="stack" aria-label={label} ref={ref}>
        {children}
      </table>
    </div>
  );
}
