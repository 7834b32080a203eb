// The explorer's static files: content types, security headers, no way out of the build folder, and a clear
// 503 when the build is missing. Served by serveExplorer on a plain node:http server over a temporary folder.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileName, serveExplorer } from '../../../src/api/explorer-static.ts';

describe('explorer static files', () => {
  let root: string;
  let built: string;
  let server: Server;
  let base: string;
  let dir: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'mpg-explorer-'));
    built = path.join(root, 'explorer');
    await mkdir(path.join(built, 'sub'), { recursive: true });
    await writeFile(path.join(built, 'index.html'), '<!doctype html><title>explorer</title>');
    await writeFile(path.join(built, 'explorer.js'), 'console.log(1)');
    await writeFile(path.join(built, 'explorer.css'), 'body{}');
    await writeFile(path.join(built, '.hidden.js'), 'secret');
    await writeFile(path.join(built, 'sub', 'inner.js'), 'inner');
    await writeFile(path.join(root, 'secret.js'), 'outside');
    dir = built;
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      void serveExplorer(dir, url.pathname, request.method ?? 'GET', response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  it('serves the page, script and styles with their content types and security headers', async () => {
    for (const [file, type, body] of [
      ['', 'text/html; charset=utf-8', '<!doctype html><title>explorer</title>'],
      ['explorer.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['explorer.css', 'text/css; charset=utf-8', 'body{}'],
    ] as const) {
      const response = await fetch(`${base}/explorer/${file}`);
      assert.equal(response.status, 200, file);
      assert.equal(response.headers.get('content-type'), type);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.equal(await response.text(), body);
    }
    const head = await fetch(`${base}/explorer/explorer.js`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), String('console.log(1)'.length));
    assert.equal((await fetch(`${base}/explorer/`, { method: 'POST' })).status, 405);
  });

  it('never serves anything outside the build folder, dot files, sub-folders or unknown types', async () => {
    // Sent raw (fetch would normalise `..` away before the server saw it).
    const raw = (target: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const socket = new Socket();
        socket.on('error', reject);
        let data = '';
        socket.connect(Number(new URL(base).port), '127.0.0.1', () =>
          socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
        );
        socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
        socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1])));
      });
    for (const target of [
      '/explorer/../secret.js',
      '/explorer/..%2fsecret.js',
      '/explorer/%2e%2e%2fsecret.js',
      '/explorer/%2e%2e/secret.js',
      '/explorer/sub/inner.js',
      '/explorer/sub%2finner.js',
      '/explorer/.hidden.js',
      '/explorer/explorer.js%00.css',
      '/explorer/index.ts',
      '/explorer/%E0%A4%A',
    ]) {
      assert.equal(await raw(target), 404, target);
    }
    assert.equal(fileName('/explorer/../secret.js'), null);
    assert.equal(fileName('/explorer/explorer.js'), 'explorer.js');
  });

  it('answers 503 with what to run when the explorer has not been built', async () => {
    dir = path.join(root, 'missing');
    try {
      const response = await fetch(`${base}/explorer/`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /npm run build:web/);
      assert.equal((await fetch(`${base}/explorer/explorer.js`)).status, 503);
    } finally {
      dir = built;
    }
  });
});
