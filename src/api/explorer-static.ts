// Serves the lineage explorer's built files (scripts/build-web.sh writes them to dist/explorer/) under
// /explorer/. Only files directly in the build folder, by an allow-list of types: a request path never
// reaches the file system unchecked (no `..`, no encoded separators, no dot files, no sub-folders).
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

export const EXPLORER_DIR = path.resolve(import.meta.dirname, '../../dist/explorer');
export const EXPLORER_PATH = '/explorer/';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The page talks only to this origin's /graphql; scripts and styles come from the build. Cytoscape sets inline
 * styles on its own elements, hence 'unsafe-inline' for styles only; downloads are blob: URLs.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // A rebuild changes the files under the same names.
  'cache-control': 'no-cache',
};

export type StaticOutcome = 'file' | 'not-found' | 'not-built' | 'method';

/** Answers a request for `pathname` (under /explorer/); returns what it did, for metrics and tests. */
export async function serveExplorer(
  dir: string,
  pathname: string,
  method: string,
  response: ServerResponse,
): Promise<StaticOutcome> {
  if (method !== 'GET' && method !== 'HEAD') {
    sendText(response, 405, 'use GET', { allow: 'GET, HEAD' });
    return 'method';
  }
  const name = fileName(pathname);
  if (name === null) {
    sendText(response, 404, 'not found');
    return 'not-found';
  }
  const file = path.join(dir, name);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    if (name === 'index.html' || !(await stat(path.join(dir, 'index.html')).catch(() => null))) {
      sendText(
        response,
        503,
        'The lineage explorer has not been built. Run `npm run build:web` (`npm start` and `npm test` build it too), then reload.',
      );
      return 'not-built';
    }
    sendText(response, 404, 'not found');
    return 'not-found';
  }
  const body = method === 'HEAD' ? null : await readFile(file);
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream',
    'content-length': String(info.size),
    ...SECURITY_HEADERS,
  });
  response.end(body);
  return 'file';
}

/** The file a path under /explorer/ names, or null when it is anything but one plain file name of an allowed type. */
export function fileName(pathname: string): string | null {
  if (!pathname.startsWith(EXPLORER_PATH)) return null;
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice(EXPLORER_PATH.length));
  } catch {
    return null;
  }
  if (name === '') return 'index.html';
  // One segment of safe characters: this alone rules out `..`, separators (encoded or not), NUL and dot files.
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name) || name.includes('..')) return null;
  return Object.hasOwn(CONTENT_TYPES, path.extname(name)) ? name : null;
}

function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers, 'x-content-type-options': 'nosniff' });
  response.end(`${text}\n`);
}
