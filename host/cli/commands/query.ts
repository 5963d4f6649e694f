// `cuvee query "SQL"`: runs a query on a local data directory or, with --broker, on a running
// node (`POST /query/sql`), and prints the result as an aligned table, Pinot's JSON response,
// CSV (RFC 4180) or an Arrow IPC stream. Exit code 1 when the response carries exceptions.
import { BROKER_ENV, parseCommand, targetOf, UsageError } from '../args.js';
import { formatCsv } from '../csv.js';
import { checkAnswer, HttpRequestError, sendRequest } from '../http.js';
import { withCuvee } from '../local.js';
import { formatResultTable } from '../table.js';
import { parseJsonExact } from '../../ingest/readers/index.js';
import { responseToJson, type QueryException, type ResultTable } from '../../query/response.js';
import { ARROW_STREAM_CONTENT_TYPE, resultTableToArrow } from '../../server/arrowResult.js';

export const QUERY_HELP = `usage: cuvee query "SQL" [--format table|json|csv|arrow] [--data-dir DIR | --broker URL]

Runs one SQL query (Pinot's dialect; SET options; first) and prints the result.
  --format table      aligned columns with the response statistics (default)
  --format json       Pinot's broker response, LONGs exact
  --format csv        RFC 4180: a header line, CRLF line ends, quoted where needed
  --format arrow      the result table as Arrow IPC stream bytes (redirect to a file)
  --data-dir DIR      the local data directory (default ./cuvee-data)
  --broker URL        a running node's broker instead (default: $${BROKER_ENV} when set)`;

const OPTIONS = {
  format: { type: 'string' },
  'data-dir': { type: 'string' },
  broker: { type: 'string' },
} as const;

const FORMATS = ['table', 'json', 'csv', 'arrow'] as const;
type OutputFormat = (typeof FORMATS)[number];

/** What the printers need of a broker response, local or parsed from HTTP. */
interface QueryAnswer {
  readonly resultTable?: ResultTable;
  readonly exceptions: readonly QueryException[];
  readonly numDocsScanned?: number;
  readonly totalDocs?: number;
  readonly timeUsedMs?: number;
}

function reportExceptions(answer: QueryAnswer): boolean {
  for (const exception of answer.exceptions) {
    console.error(`error ${exception.errorCode}: ${exception.message}`);
  }
  return answer.exceptions.length === 0;
}

/** Prints everything but JSON (which each caller prints as it has it). */
function printAnswer(answer: QueryAnswer, format: Exclude<OutputFormat, 'json'>): boolean {
  const ok = reportExceptions(answer);
  const table = answer.resultTable;
  if (format === 'arrow') {
    if (table !== undefined) process.stdout.write(resultTableToArrow(table));
  } else if (format === 'csv') {
    if (table !== undefined) process.stdout.write(formatCsv(table));
  } else {
    if (table !== undefined) console.log(formatResultTable(table));
    const docs = `${answer.numDocsScanned ?? 0} docs scanned of ${answer.totalDocs ?? 0}`;
    console.log(`(${docs}, ${answer.timeUsedMs ?? 0} ms)`);
  }
  return ok;
}

async function queryLocal(dataDir: string, sql: string, format: OutputFormat): Promise<boolean> {
  return withCuvee(dataDir, async (cuvee) => {
    const response = await cuvee.query(sql);
    if (format !== 'json') return printAnswer(response, format);
    console.log(responseToJson(response));
    return response.exceptions.length === 0;
  });
}

async function queryRemote(url: string, sql: string, format: OutputFormat): Promise<boolean> {
  const queryUrl = `${url}/query/sql`;
  const headers: Record<string, string> =
    format === 'arrow' ? { accept: ARROW_STREAM_CONTENT_TYPE } : {};
  const answer = await sendRequest('POST', queryUrl, { sql }, headers);
  if (format === 'arrow' && answer.contentType.startsWith(ARROW_STREAM_CONTENT_TYPE)) {
    checkAnswer('POST', queryUrl, answer);
    process.stdout.write(answer.body);
    return true;
  }
  const text = answer.body.toString('utf8');
  let parsed: QueryAnswer;
  try {
    parsed = parseJsonExact(text) as QueryAnswer;
  } catch {
    checkAnswer('POST', queryUrl, answer);
    throw new HttpRequestError(
      `${queryUrl} did not answer JSON; is --broker a Pinot broker URL?`,
      answer.status,
    );
  }
  if (!Array.isArray(parsed.exceptions)) checkAnswer('POST', queryUrl, answer);
  if (format !== 'json') return printAnswer(parsed, format);
  // The broker's own text: LONGs beyond 2^53 stay exactly as the node wrote them.
  console.log(text.trimEnd());
  return parsed.exceptions.length === 0;
}

export async function queryCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('query', args, OPTIONS, QUERY_HELP);
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  const sql = positionals.join(' ');
  if (sql.trim() === '') throw new UsageError('query needs SQL; see cuvee query --help');
  const format = (values.format ?? 'table') as OutputFormat;
  if (!FORMATS.includes(format)) {
    throw new UsageError(`unknown --format ${format}: use ${FORMATS.join(', ')}`);
  }
  const target = targetOf(values.broker, values['data-dir'], BROKER_ENV);
  const ok =
    target.kind === 'remote'
      ? await queryRemote(target.url, sql, format)
      : await queryLocal(target.dataDir, sql, format);
  return ok ? 0 : 1;
}
