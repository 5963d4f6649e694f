// Result tables as CSV (RFC 4180): a header line of column names, CRLF line ends, and a field
// quoted (quotes doubled) when it holds a comma, a quote, CR or LF. Nulls are empty fields;
// multi-value cells are JSON arrays, so they read back unambiguously.
import type { ResultCell, ResultTable } from '../query/response.js';

/** RFC 4180's record separator. */
const LINE_END = '\r\n';
/** Characters that force a field into quotes. */
const NEEDS_QUOTES = /[",\r\n]/;

function arrayJson(cells: readonly ResultCell[]): string {
  const parts = cells.map((cell) => {
    if (Array.isArray(cell)) return arrayJson(cell);
    if (typeof cell === 'string') return JSON.stringify(cell);
    return String(cell);
  });
  return `[${parts.join(',')}]`;
}

function cellText(cell: ResultCell): string {
  if (cell === null) return '';
  if (Array.isArray(cell)) return arrayJson(cell);
  return String(cell);
}

export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function formatCsv(table: ResultTable): string {
  const lines = [table.dataSchema.columnNames.map(csvField).join(',')];
  for (const row of table.rows) lines.push(row.map((cell) => csvField(cellText(cell))).join(','));
  return lines.join(LINE_END) + LINE_END;
}
