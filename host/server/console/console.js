// The query console: a plain browser module, no build step and no outside URLs. It speaks the
// controller's own API, as Pinot's console does: GET /tables, GET /tables/{t}/schema and
// POST /sql (so it works on the controller port when the broker runs on another).
// Every value reaches the page through textContent, never as HTML.

/** Rows drawn in the result table; a browser slows to a crawl past a few thousand rows. */
const MAX_RENDERED_ROWS = 5000;
/** localStorage key for the editor's text and options, so a reload keeps the query. */
const STORAGE_KEY = 'cuvee.console.v1';
/** The statistics shown, in Pinot's console order: [response field, label]. */
const STATISTICS = [
  ['timeUsedMs', 'Time used (ms)'],
  ['numDocsScanned', 'Docs scanned'],
  ['totalDocs', 'Total docs'],
  ['numServersQueried', 'Servers queried'],
  ['numServersResponded', 'Servers responded'],
  ['numSegmentsQueried', 'Segments queried'],
  ['numSegmentsProcessed', 'Segments processed'],
  ['numSegmentsMatched', 'Segments matched'],
  ['numConsumingSegmentsQueried', 'Consuming segments queried'],
  ['numEntriesScannedInFilter', 'Entries scanned in filter'],
  ['numEntriesScannedPostFilter', 'Entries scanned post filter'],
  ['numGroupsLimitReached', 'Groups limit reached'],
  ['partialResult', 'Partial result'],
  ['minConsumingFreshnessTimeMs', 'Min consuming freshness (ms)'],
];

const byId = (id) => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the console page has no #${id}`);
  return element;
};

/** A URL relative to the console folder, so the console also works behind a path prefix. */
const apiUrl = (path) => new URL(`../${path}`, window.location.href);

/**
 * JSON.parse that keeps each number's exact text: a LONG past 2^53 would otherwise be rounded.
 * Numbers become { exact: '123' } only where the parsed double does not print back the same.
 */
function parseJsonExact(text) {
  return JSON.parse(text, (_key, value, context) => {
    if (typeof value !== 'number' || context === undefined) return value;
    return String(value) === context.source ? value : { exact: context.source };
  });
}

/** How a cell reads in the page: null as `null`, arrays as `[a, b]`, numbers exactly. */
export function formatCell(value) {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(formatCell).join(', ')}]`;
  if (typeof value === 'object' && typeof value.exact === 'string') return value.exact;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

/** Fetches JSON; an HTTP error becomes an Error carrying Pinot's `code` and message. */
async function fetchJson(url, init) {
  const response = await fetch(url, init);
  const text = await response.text();
  let body;
  try {
    body = parseJsonExact(text);
  } catch {
    body = undefined;
  }
  if (!response.ok && (body === undefined || body.exceptions === undefined)) {
    const message = body?.error ?? body?.message ?? (text || response.statusText);
    const error = new Error(message);
    error.errorCode = body?.code ?? response.status;
    throw error;
  }
  if (body === undefined) throw new Error(`${url.pathname} answered with something not JSON`);
  return body;
}

// ---------------------------------------------------------------------------------------------
// Tables and schemas

let selectedTable = null;

async function loadTables() {
  const list = byId('tables');
  let names;
  try {
    names = (await fetchJson(apiUrl('tables'))).tables ?? [];
  } catch (error) {
    list.replaceChildren(element('li', `Could not list tables: ${error.message}`, 'error'));
    return;
  }
  byId('tables-empty').hidden = names.length > 0;
  list.replaceChildren(
    ...names.map((name) => {
      const button = element('button', name, 'table-name');
      button.type = 'button';
      button.dataset.table = name;
      button.setAttribute('aria-pressed', String(name === selectedTable));
      button.addEventListener('click', () => void showSchema(name));
      const item = element('li');
      item.append(button);
      return item;
    }),
  );
}

/** Pinot's schema JSON as rows of [column, type, kind]. */
function schemaColumns(schema) {
  const kinds = [
    ['dimensionFieldSpecs', 'DIMENSION'],
    ['metricFieldSpecs', 'METRIC'],
    ['dateTimeFieldSpecs', 'DATE_TIME'],
    ['complexFieldSpecs', 'COMPLEX'],
  ];
  const columns = [];
  for (const [key, kind] of kinds) {
    for (const field of schema[key] ?? []) {
      const multi = field.singleValueField === false ? ' (multi-value)' : '';
      columns.push([field.name, `${field.dataType}${multi}`, kind]);
    }
  }
  const time = schema.timeFieldSpec?.incomingGranularitySpec;
  if (time !== undefined) columns.push([time.name, time.dataType, 'TIME']);
  return columns;
}

async function showSchema(name) {
  selectedTable = name;
  for (const button of byId('tables').querySelectorAll('button')) {
    button.setAttribute('aria-pressed', String(button.dataset.table === name));
  }
  const section = byId('schema');
  const body = section.querySelector('tbody');
  byId('schema-title').textContent = name;
  section.hidden = false;
  try {
    const schema = await fetchJson(apiUrl(`tables/${encodeURIComponent(name)}/schema`));
    if (selectedTable !== name) return;
    body.replaceChildren(
      ...schemaColumns(schema).map((cells) => {
        const row = element('tr');
        row.append(...cells.map((text) => element('td', text)));
        return row;
      }),
    );
  } catch (error) {
    const row = element('tr');
    const cell = element('td', `Could not read the schema: ${error.message}`, 'error');
    cell.colSpan = 3;
    row.append(cell);
    body.replaceChildren(row);
  }
}

// ---------------------------------------------------------------------------------------------
// Running a query

function renderStatus(text, isError) {
  const status = byId('status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function renderExceptions(exceptions) {
  const list = byId('exceptions');
  list.hidden = exceptions.length === 0;
  list.replaceChildren(
    ...exceptions.map((exception) => {
      const item = element('li');
      item.append(
        element('span', `errorCode ${exception.errorCode}`, 'error-code'),
        element('span', exception.message, 'error-message'),
      );
      return item;
    }),
  );
}

function renderResultTable(resultTable) {
  const results = byId('results');
  if (resultTable === undefined || resultTable === null) {
    results.replaceChildren();
    return;
  }
  const { columnNames, columnDataTypes } = resultTable.dataSchema;
  const headerRow = element('tr');
  columnNames.forEach((name, index) => {
    const header = element('th');
    header.append(element('span', name, 'name'), element('span', columnDataTypes[index], 'type'));
    headerRow.append(header);
  });
  const head = element('thead');
  head.append(headerRow);
  const body = element('tbody');
  const fragment = document.createDocumentFragment();
  for (const row of resultTable.rows.slice(0, MAX_RENDERED_ROWS)) {
    const tableRow = element('tr');
    for (const value of row) {
      const cell = element('td', formatCell(value));
      if (value === null) cell.className = 'null';
      tableRow.append(cell);
    }
    fragment.append(tableRow);
  }
  body.append(fragment);
  const table = element('table');
  table.append(head, body);
  const wrapper = element('div', undefined, 'table-scroll');
  wrapper.append(table);
  results.replaceChildren(wrapper);
  if (resultTable.rows.length > MAX_RENDERED_ROWS) {
    results.append(
      element('p', `Showing the first ${MAX_RENDERED_ROWS} of ${resultTable.rows.length} rows.`),
    );
  }
}

function renderStats(response) {
  const stats = byId('stats');
  stats.replaceChildren(
    ...STATISTICS.filter(([key]) => response[key] !== undefined).map(([key, label]) => {
      const item = element('div', undefined, 'stat');
      item.dataset.stat = key;
      const value = element('dd', formatCell(response[key]));
      if (response[key] === true) value.className = 'flag';
      item.append(element('dt', label), value);
      return item;
    }),
  );
}

function clearResult() {
  renderExceptions([]);
  renderResultTable(undefined);
  byId('stats').replaceChildren();
  byId('raw').textContent = '';
}

let completedQueries = 0;

/** The editor's selected text when there is a selection (run one of several), else all of it. */
function queryText() {
  const editor = byId('sql');
  const selected = editor.value.slice(editor.selectionStart, editor.selectionEnd).trim();
  return selected !== '' ? selected : editor.value.trim();
}

async function runQuery() {
  const sql = queryText();
  if (sql === '') {
    renderStatus('Type a query first.', true);
    return;
  }
  saveEditor();
  const run = byId('run');
  run.disabled = true;
  run.textContent = 'Running…';
  renderStatus('Running…', false);
  const started = performance.now();
  try {
    const response = await fetchJson(apiUrl('sql'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sql,
        queryOptions: byId('query-options').value.trim(),
        trace: byId('trace').checked,
      }),
    });
    showResponse(response, performance.now() - started);
  } catch (error) {
    clearResult();
    renderExceptions([{ errorCode: error.errorCode ?? 'network', message: error.message }]);
    renderStatus('The query failed.', true);
  } finally {
    run.disabled = false;
    run.textContent = 'Run query';
    // Counts finished runs, so scripts driving the page (the tests) know when one is done.
    document.body.dataset.completedQueries = String(++completedQueries);
  }
}

/** Pretty JSON with every number written exactly as the server sent it. */
function exactJsonText(value) {
  const marker = '\u0000exact:';
  const text = JSON.stringify(
    value,
    (_key, item) =>
      typeof item === 'object' && item !== null && typeof item.exact === 'string'
        ? marker + item.exact
        : item,
    2,
  );
  return text.replace(/"\\u0000exact:([^"]*)"/g, '$1');
}

function showResponse(response, elapsedMs) {
  const exceptions = response.exceptions ?? [];
  renderExceptions(exceptions);
  renderResultTable(response.resultTable);
  // A query that failed before running has only zeros to show: leave the statistics out.
  const ran = exceptions.length === 0 || response.resultTable !== undefined;
  if (ran) renderStats(response);
  else byId('stats').replaceChildren();
  byId('raw').textContent = exactJsonText(response);
  if (exceptions.length > 0) {
    renderStatus(`The query failed (${exceptions.length} exception(s)).`, true);
    return;
  }
  const rowCount = response.resultTable?.rows.length ?? 0;
  const serverMs = formatCell(response.timeUsedMs);
  renderStatus(
    `${rowCount} row${rowCount === 1 ? '' : 's'} · ${serverMs} ms on the server, ` +
      `${Math.round(elapsedMs)} ms in all${response.partialResult ? ' · partial result' : ''}`,
    false,
  );
}

// ---------------------------------------------------------------------------------------------
// Editor state, health, start-up

function saveEditor() {
  try {
    const state = { sql: byId('sql').value, queryOptions: byId('query-options').value };
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch {
    // Private windows may refuse storage: the console works without it.
  }
}

function restoreEditor() {
  try {
    const state = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '{}');
    if (typeof state.sql === 'string') byId('sql').value = state.sql;
    if (typeof state.queryOptions === 'string') byId('query-options').value = state.queryOptions;
  } catch {
    // A damaged entry is ignored; the next run overwrites it.
  }
}

async function checkHealth() {
  const health = byId('health');
  try {
    const response = await fetch(apiUrl('health'));
    const healthy = response.ok;
    health.textContent = healthy ? 'healthy' : `unhealthy (${response.status})`;
    health.classList.toggle('bad', !healthy);
  } catch {
    health.textContent = 'unreachable';
    health.classList.add('bad');
  }
}

function start() {
  restoreEditor();
  byId('query-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void runQuery();
  });
  byId('sql').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void runQuery();
    }
  });
  byId('refresh-tables').addEventListener('click', () => void loadTables());
  byId('query-table').addEventListener('click', () => {
    if (selectedTable === null) return;
    byId('sql').value = `SELECT * FROM ${selectedTable} LIMIT 10`;
    byId('sql').focus();
  });
  void loadTables();
  void checkHealth();
  document.body.dataset.ready = 'true';
}

start();
