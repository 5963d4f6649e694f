// A strict RFC 4180 reader for tests: records end with CRLF, quoted fields may hold commas,
// CR, LF and doubled quotes. Anything else malformed throws, so a test cannot pass on junk.

export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let index = 0;
  while (index < text.length) {
    let field = '';
    if (text[index] === '"') {
      index++;
      for (;;) {
        const quote = text.indexOf('"', index);
        if (quote < 0) throw new Error(`unterminated quoted field at ${index}`);
        field += text.slice(index, quote);
        index = quote + 1;
        if (text[index] !== '"') break;
        field += '"';
        index++;
      }
    } else {
      const end = text.slice(index).search(/[,\r\n]/);
      field = end < 0 ? text.slice(index) : text.slice(index, index + end);
      if (field.includes('"')) throw new Error(`quote inside an unquoted field at ${index}`);
      index += field.length;
    }
    record.push(field);
    if (text[index] === ',') {
      index++;
    } else if (text.startsWith('\r\n', index)) {
      records.push(record);
      record = [];
      index += 2;
    } else {
      throw new Error(`expected , or CRLF at ${index}`);
    }
  }
  if (record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}
