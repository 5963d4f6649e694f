// Result tables as a terminal shows them: aligned columns, numbers to the right.
import type { ResultCell, ResultTable } from '../query/response.js';

/** Cells longer than this are cut with an ellipsis so one wide value cannot wreck the layout. */
const CELL_WIDTH_MAX = 60;

function cellText(cell: ResultCell): string {
  if (cell === null) return 'null';
  if (Array.isArray(cell)) return `[${cell.map(cellText).join(', ')}]`;
  const text = String(cell);
  return text.length > CELL_WIDTH_MAX ? `${text.slice(0, CELL_WIDTH_MAX - 1)}…` : text;
}

export function formatResultTable(table: ResultTable): string {
  const header = table.dataSchema.columnNames;
  const body = table.rows.map((row) => row.map(cellText));
  const widths = header.map((name, i) =>
    Math.max(name.length, ...body.map((row) => row[i]!.length)),
  );
  const numeric = table.dataSchema.columnDataTypes.map((type) =>
    ['INT', 'LONG', 'FLOAT', 'DOUBLE'].includes(type),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join(' | ');
  const rule = widths.map((width) => '-'.repeat(width)).join('-+-');
  return [line(header), rule, ...body.map(line)].join('\n');
}
