// A wall's or section's rows of cells as HTML, for views/resting/grid.hbs. Written here in one pass rather than by
// the template's loop: a wall has 200 cells, each four lookups and five escapes through Handlebars, a tenth of the
// wall page's time under load (docs/BENCHMARKS.md, the columbarium's wall page). The text is the one the template
// wrote, byte for byte.
import { escapeHtml } from '../http/views.js';
import type { ShownStatus } from './kinds.js';

export interface GridRow {
  row: number;
  cells: { id: number; code: string; shown: ShownStatus }[];
}

/** Each state's name and letter, translated once per page. */
export type StateNames = Record<ShownStatus, { state: string; letter: string }>;

/** The table body's rows: a row header, then a cell per place: its letter shown, its code and state for everyone. */
export function gridRowsHtml(rows: GridRow[], names: StateNames): string {
  const named = Object.fromEntries(
    Object.entries(names).map(([s, n]) => [s, { state: escapeHtml(n.state), letter: escapeHtml(n.letter) }]),
  ) as StateNames;
  let html = '';
  for (const r of rows) {
    html += `    <tr><th scope="row">${escapeHtml(r.row)}</th>`;
    for (const c of r.cells) {
      const { state, letter } = named[c.shown];
      const label = `${escapeHtml(c.code)} ${state}`;
      html +=
        `<td class="rs-cell rs-${escapeHtml(c.shown)}"><a href="/staff/resting/places/${escapeHtml(c.id)}" ` +
        `title="${label}"><span aria-hidden="true">${letter}</span><span class="visually-hidden">${label}</span></a></td>`;
    }
    html += '</tr>\n';
  }
  return html;
}
