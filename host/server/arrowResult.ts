// A broker response's result table as one Arrow IPC stream, for clients that want columns
// (Accept: application/vnd.apache.arrow.stream). Column types follow the dataSchema; duplicate
// column names (SELECT a, a) stay separate fields. The response statistics and exceptions are
// not part of the stream: a failed query is answered in JSON.
import {
  Bool,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  tableToIPC,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import type { ColumnDataType, ResultCell, ResultTable } from '../query/response.js';

export const ARROW_STREAM_CONTENT_TYPE = 'application/vnd.apache.arrow.stream';

function scalarArrowType(type: string): DataType {
  switch (type) {
    case 'INT':
      return new Int32();
    case 'LONG':
      return new Int64();
    case 'FLOAT':
      return new Float32();
    case 'DOUBLE':
      return new Float64();
    case 'BOOLEAN':
      return new Bool();
    case 'TIMESTAMP':
      return new TimestampMillisecond();
    default:
      // STRING, JSON, BIG_DECIMAL and BYTES travel as the same text the JSON response holds.
      return new Utf8();
  }
}

function arrowType(type: ColumnDataType): DataType {
  if (type.endsWith('_ARRAY')) {
    const element = scalarArrowType(type.slice(0, -'_ARRAY'.length));
    return new List(new Field('item', element, true));
  }
  return scalarArrowType(type);
}

/** Pinot's TIMESTAMP text (`yyyy-MM-dd HH:mm:ss.S`, UTC) in epoch milliseconds. */
function timestampMs(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

function scalarCell(type: string, cell: ResultCell): unknown {
  if (cell === null) return null;
  switch (type) {
    case 'LONG':
      return typeof cell === 'bigint' ? cell : BigInt(cell as number);
    case 'TIMESTAMP':
      return typeof cell === 'string' ? timestampMs(cell) : cell;
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'BOOLEAN':
      return cell;
    default:
      return typeof cell === 'string' ? cell : JSON.stringify(cell);
  }
}

function columnValues(
  type: ColumnDataType,
  rows: readonly ResultCell[][],
  index: number,
): unknown[] {
  const values = new Array<unknown>(rows.length);
  if (type.endsWith('_ARRAY')) {
    const element = type.slice(0, -'_ARRAY'.length);
    for (let row = 0; row < rows.length; row++) {
      const cell = rows[row]![index] ?? null;
      values[row] = Array.isArray(cell) ? cell.map((item) => scalarCell(element, item)) : null;
    }
    return values;
  }
  for (let row = 0; row < rows.length; row++)
    values[row] = scalarCell(type, rows[row]![index] ?? null);
  return values;
}

/** Encodes the result table as an Arrow IPC stream. */
export function resultTableToArrow(resultTable: ResultTable): Uint8Array {
  const { columnNames, columnDataTypes } = resultTable.dataSchema;
  const fields: Field[] = [];
  const children = columnNames.map((name, index) => {
    const type = arrowType(columnDataTypes[index] ?? 'STRING');
    fields.push(new Field(name, type, true));
    const vector = vectorFromArray(
      columnValues(columnDataTypes[index] ?? 'STRING', resultTable.rows, index),
      type,
    );
    return vector.data[0]!;
  });
  const schema = new Schema(fields);
  const data = makeData({
    type: new Struct(fields),
    length: resultTable.rows.length,
    nullCount: 0,
    children,
  });
  return tableToIPC(new Table(schema, [new RecordBatch(schema, data)]), 'stream');
}
