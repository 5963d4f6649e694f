// Serves the query console's static files (host/server/console/, written beside this server)
// under /console/. Paths are decoded once, `..` and NUL are refused, and the resolved file must
// lie inside the console folder: no request reads anything else.
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import { sendError, sendText } from './http.js';

/** The console folder, from the compiled file (dist/host/server/) back to the sources. */
export const CONSOLE_DIRECTORY = fileURLToPath(
  new URL('../../../host/server/console/', import.meta.url),
);

/** The URL prefix the console is served under. */
export const CONSOLE_PREFIX = '/console/';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file a console URL path names, or undefined when it would leave the folder. */
export function consoleFilePath(root: string, urlPath: string): string | undefined {
  let relativePath: string;
  try {
    relativePath = decodeURIComponent(urlPath.slice(CONSOLE_PREFIX.length));
  } catch {
    return undefined;
  }
  if (relativePath === '') relativePath = 'index.html';
  const parts = relativePath.split(/[/\\]/);
  if (relativePath.includes('\0') || parts.some((part) => part === '..')) return undefined;
  const base = resolve(root);
  const path = resolve(base, ...parts.filter((part) => part !== ''));
  return path.startsWith(base + sep) ? path : undefined;
}

export async function serveConsoleFile(
  response: ServerResponse,
  urlPath: string,
  root = CONSOLE_DIRECTORY,
): Promise<void> {
  const path = consoleFilePath(root, urlPath);
  if (path === undefined) {
    sendError(response, 404, `no console file ${urlPath}`);
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    sendError(response, 404, `no console file ${urlPath}`);
    return;
  }
  const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  sendText(response, 200, body, type);
}
