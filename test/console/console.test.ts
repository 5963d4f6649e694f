// The query console end to end: a real node on port 0, Debian's chromium driven by
// playwright-core, a query typed and run in the page, and the page's table read back and
// compared with the library's answer for the same query.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { airlineJson } from '../support/airline.js';
import { cellText, startAirlineNode, type AirlineNode } from '../clients/airlineNode.js';

/** Where tools/setup/chromium.mjs installs Debian's browser. */
const CHROMIUM_PATH = '/usr/bin/chromium';
/** How long the page may take to show a result: a query on 9,746 rows takes milliseconds. */
const RESULT_TIMEOUT_MS = 15_000;

const GROUP_BY_SQL =
  "SELECT Carrier, COUNT(*) AS flights, SUM(ArrDelay) AS delay FROM airlineStats WHERE Origin <> 'SFO' " +
  'GROUP BY Carrier ORDER BY COUNT(*) DESC, Carrier LIMIT 8';

async function readResultTable(page: Page): Promise<{ columns: string[]; rows: string[][] }> {
  return page.evaluate(() => {
    const table = document.querySelector('#results table');
    if (table === null) return { columns: [], rows: [] };
    const columns = Array.from(table.querySelectorAll('thead th .name')).map(
      (cell) => cell.textContent ?? '',
    );
    const rows = Array.from(table.querySelectorAll('tbody tr')).map((row) =>
      Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent ?? ''),
    );
    return { columns, rows };
  });
}

/** Runs `start` (a click or a key press) and waits until the page has finished that query. */
async function runAndWait(page: Page, start: () => Promise<void>): Promise<void> {
  const before = Number((await page.getAttribute('body', 'data-completed-queries')) ?? '0');
  await start();
  await page.waitForFunction(
    (count) => Number(document.body.dataset.completedQueries ?? '0') > count,
    before,
    { timeout: RESULT_TIMEOUT_MS },
  );
}

async function statText(page: Page, key: string): Promise<string> {
  return page.locator(`#stats [data-stat="${key}"] dd`).innerText();
}

describe('query console in chromium', () => {
  let node: AirlineNode;
  let browser: Browser;
  let page: Page;

  before(async () => {
    node = await startAirlineNode();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH });
    page = await browser.newPage();
    // The root redirects to the console, as Pinot's controller does.
    await page.goto(`${node.server.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
  });

  after(async () => {
    await browser?.close();
    await node?.stop();
  });

  test('lists the tables and shows a schema on click', async () => {
    const table = page.locator('#tables button', { hasText: 'airlineStats' });
    await table.waitFor({ timeout: RESULT_TIMEOUT_MS });
    assert.deepEqual(await page.locator('#tables button').allInnerTexts(), ['airlineStats']);
    await table.click();
    await page.locator('#schema tbody tr').first().waitFor();
    const rows = await page
      .locator('#schema tbody tr')
      .evaluateAll((elements) =>
        elements.map((row) =>
          Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent),
        ),
      );
    const schema = airlineJson('schema') as Record<string, { name: string; dataType: string }[]>;
    const expected = [
      ...(schema['dimensionFieldSpecs'] ?? []).map((field) => [field.name, 'DIMENSION']),
      ...(schema['metricFieldSpecs'] ?? []).map((field) => [field.name, 'METRIC']),
      ...(schema['dateTimeFieldSpecs'] ?? []).map((field) => [field.name, 'DATE_TIME']),
    ];
    assert.deepEqual(
      rows.map(([name, , kind]) => [name, kind]),
      expected,
    );
    const carrier = rows.find(([name]) => name === 'Carrier');
    assert.deepEqual(carrier, ['Carrier', 'STRING', 'DIMENSION']);
    assert.equal(await page.locator('#schema-title').textContent(), 'airlineStats');
  });

  test('runs a typed query with Ctrl+Enter and shows the library answer', async () => {
    await page.locator('#sql').fill('');
    await page.locator('#sql').pressSequentially(GROUP_BY_SQL);
    await runAndWait(page, () => page.locator('#sql').press('Control+Enter'));

    const expected = await node.cuvee.query(GROUP_BY_SQL);
    assert.deepEqual(expected.exceptions, []);
    const shown = await readResultTable(page);
    assert.deepEqual(shown.columns, expected.resultTable!.dataSchema.columnNames);
    assert.deepEqual(
      shown.rows,
      expected.resultTable!.rows.map((row) => row.map(cellText)),
    );
    assert.equal(shown.rows.length, 8);
    assert.equal(await statText(page, 'numDocsScanned'), String(expected.numDocsScanned));
    assert.equal(await statText(page, 'totalDocs'), String(expected.totalDocs));
    assert.equal(await statText(page, 'numSegmentsMatched'), String(expected.numSegmentsMatched));
    assert.equal(await statText(page, 'numGroupsLimitReached'), 'false');
    assert.equal(await statText(page, 'partialResult'), 'false');
    assert.match(await page.locator('#status').innerText(), /^8 rows/);
    assert.equal(await page.locator('#exceptions').isHidden(), true);
  });

  test('the Run button sends the query options', async () => {
    const sql = 'SELECT COUNT(*) FROM airlineStats WHERE ArrDelay > 30';
    await page.locator('#sql').fill(sql);
    await page.locator('#query-options').fill('enableNullHandling=true;timeoutMs=20000');
    await runAndWait(page, () => page.locator('#run').click());
    const expected = await node.cuvee.query(sql, {
      queryOptions: { enableNullHandling: 'true', timeoutMs: '20000' },
    });
    assert.deepEqual((await readResultTable(page)).rows, [
      [cellText(expected.resultTable!.rows[0]![0]!)],
    ]);

    // A malformed option is refused by the server; the page shows the error, not a stale table.
    await page.locator('#query-options').fill('enableNullHandling');
    await runAndWait(page, () => page.locator('#run').click());
    assert.match(await page.locator('#exceptions').innerText(), /enableNullHandling/);
    assert.equal(await page.locator('#results table').count(), 0);
    await page.locator('#query-options').fill('');
  });

  test('with text selected, only the selection runs', async () => {
    const first = 'SELECT COUNT(*) FROM airlineStats';
    const second = "SELECT COUNT(*) FROM airlineStats WHERE Carrier = 'DL'";
    await page.locator('#sql').fill(`${first};\n${second}`);
    await page.locator('#sql').evaluate((editor: HTMLTextAreaElement, start: number) => {
      editor.setSelectionRange(start, editor.value.length);
    }, first.length + 2);
    await runAndWait(page, () => page.locator('#sql').press('Control+Enter'));
    const expected = await node.cuvee.query(second);
    assert.deepEqual((await readResultTable(page)).rows, [
      [cellText(expected.resultTable!.rows[0]![0]!)],
    ]);
    const all = await node.cuvee.query(first);
    assert.notEqual(
      cellText(all.resultTable!.rows[0]![0]!),
      cellText(expected.resultTable!.rows[0]![0]!),
    );
  });

  test('a bad query shows its exception with the error code', async () => {
    const sql = 'SELECT Carrier FROM noSuchTable';
    await page.locator('#sql').fill(sql);
    await runAndWait(page, () => page.locator('#run').click());
    const expected = await node.cuvee.query(sql);
    assert.equal(expected.exceptions.length, 1);
    const exception = expected.exceptions[0]!;
    assert.equal(
      await page.locator('#exceptions li .error-code').first().innerText(),
      `errorCode ${exception.errorCode}`,
    );
    assert.equal(
      await page.locator('#exceptions li .error-message').first().innerText(),
      exception.message,
    );
    assert.match(await page.locator('#status').innerText(), /failed/);

    const parseError = 'SELEC Carrier FROM airlineStats';
    await page.locator('#sql').fill(parseError);
    await runAndWait(page, () => page.locator('#sql').press('Control+Enter'));
    const code = (await node.cuvee.query(parseError)).exceptions[0]!.errorCode;
    assert.equal(
      await page.locator('#exceptions li .error-code').first().innerText(),
      `errorCode ${code}`,
    );
  });
});
