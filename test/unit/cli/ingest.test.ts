// `mpg ingest` without a service: which files it finds, how JSON Lines split into documents, the concurrency bound,
// and the summary it prints.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  countDocuments,
  discoverFiles,
  DiscoveryError,
  isDocumentName,
  readDocuments,
  splitJsonLines,
  type SourceDocument,
} from '../../../src/cli/ingest/discover.ts';
import { createLimiter, forEachConcurrent } from '../../../src/cli/ingest/pool.ts';
import { startProgress } from '../../../src/cli/ingest/progress.ts';
import { newTally, recordProblem, summaryJson, summaryText } from '../../../src/cli/ingest/summary.ts';

async function lines(chunks: (string | Uint8Array)[]): Promise<[number, string][]> {
  const out: [number, string][] = [];
  for await (const { line, bytes } of splitJsonLines(chunks)) out.push([line, bytes.toString('utf8')]);
  return out;
}

async function tempTree(t: TestContext, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mpg-ingest-unit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

async function collect(iterable: AsyncIterable<SourceDocument>): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for await (const doc of iterable) out.push([doc.source, doc.body.toString('utf8')]);
  return out;
}

describe('splitJsonLines', () => {
  it('one document per non-blank line, numbered from 1', async () => {
    assert.deepEqual(await lines(['{"a":1}\n\n{"b":2}\n   \n{"c":3}']), [
      [1, '{"a":1}'],
      [3, '{"b":2}'],
      [5, '{"c":3}'],
    ]);
  });
  it('CRLF, surrounding whitespace and a first-line BOM are trimmed; a final newline adds nothing', async () => {
    assert.deepEqual(await lines(['\uFEFF{"a":1}\r\n\t{"b":2}  \r\n']), [
      [1, '{"a":1}'],
      [2, '{"b":2}'],
    ]);
  });
  it('joins lines split across chunks, multi-byte characters included', async () => {
    const text = Buffer.from('{"name":"ü€"}\n{"x":2}\n');
    const chunks = [...text].map((byte) => new Uint8Array([byte])); // one byte at a time
    assert.deepEqual(await lines(chunks), [
      [1, '{"name":"ü€"}'],
      [2, '{"x":2}'],
    ]);
  });
  it('passes bytes through unchanged, invalid UTF-8 included (the service reports it)', async () => {
    const bad = new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]);
    const [first] = await (async () => {
      const out: Buffer[] = [];
      for await (const { bytes } of splitJsonLines([bad])) out.push(bytes);
      return out;
    })();
    assert.deepEqual(first, Buffer.from([0x7b, 0xff, 0x7d]));
  });
  it('an empty or blank input has no documents', async () => {
    assert.deepEqual(await lines([]), []);
    assert.deepEqual(await lines(['\n\r\n  \n']), []);
  });
});

describe('discoverFiles', () => {
  it('walks folders recursively in sorted order for document extensions; hidden folders skipped', async (t) => {
    const dir = await tempTree(t, {
      'b/z.json': '{}',
      'b/a.sig': '{}',
      'b/nested/deeper/x.dsse': '{}',
      'b/model.sigstore.json': '{}',
      'b/batch.JSONL': '{}',
      'b/more.ndjson': '{}',
      'b/notes.txt': 'no',
      'b/.hidden/secret.json': '{}',
      'b/.dotfile.json': '{}',
    });
    const files = await discoverFiles(['b'], dir);
    assert.deepEqual(
      files.map((f) => [f.display, f.lines]),
      [
        ['b/.dotfile.json', false],
        ['b/a.sig', false],
        ['b/batch.JSONL', true],
        ['b/model.sigstore.json', false],
        ['b/more.ndjson', true],
        ['b/nested/deeper/x.dsse', false],
        ['b/z.json', false],
      ],
    );
  });
  it('takes a named file whatever its extension, each file once, outside paths as absolute', async (t) => {
    const dir = await tempTree(t, { 'a/doc.txt': '{}', 'a/x.json': '{}' });
    const other = await tempTree(t, { 'y.json': '{}' });
    const files = await discoverFiles(['a/doc.txt', 'a', 'a/x.json', path.join(other, 'y.json')], dir);
    assert.deepEqual(
      files.map((f) => f.display),
      ['a/doc.txt', 'a/x.json', path.join(other, 'y.json').split(path.sep).join('/')],
    );
  });
  it('follows symlinked files but not symlinked folders (no cycles)', async (t) => {
    const dir = await tempTree(t, { 'data/real.json': '{}' });
    await symlink(path.join(dir, 'data/real.json'), path.join(dir, 'data/link.json'));
    await symlink(path.join(dir, 'data'), path.join(dir, 'data/loop'));
    await symlink(path.join(dir, 'missing.json'), path.join(dir, 'data/dangling.json'));
    const files = await discoverFiles(['data'], dir);
    assert.deepEqual(
      files.map((f) => f.display),
      ['data/link.json', 'data/real.json'],
    );
  });
  it('a path that does not exist is a DiscoveryError naming it', async (t) => {
    const dir = await tempTree(t, {});
    await assert.rejects(
      discoverFiles(['nope'], dir),
      (error: unknown) => error instanceof DiscoveryError && /nope/.test(error.message),
    );
  });
  it('isDocumentName', () => {
    for (const name of ['a.json', 'a.sigstore.json', 'A.SIG', 'x.dsse', 'x.intoto.jsonl', 'x.ndjson'])
      assert.ok(isDocumentName(name), name);
    for (const name of ['a.txt', 'json', 'a.json.bak', 'a.pem']) assert.ok(!isDocumentName(name), name);
  });
});

describe('readDocuments and countDocuments', () => {
  it('a JSON file is one document, byte for byte; a JSON Lines file one per line, named path:line', async (t) => {
    const pretty = '{\n  "mediaType": "x"\n}\n';
    const dir = await tempTree(t, { 'one.json': pretty, 'many.jsonl': '{"a":1}\n\n{"b":2}\n' });
    const files = await discoverFiles(['one.json', 'many.jsonl'], dir);
    const docs: [string, string][] = [];
    for (const file of files) docs.push(...(await collect(readDocuments(file))));
    assert.deepEqual(docs, [
      ['one.json', pretty],
      ['many.jsonl:1', '{"a":1}'],
      ['many.jsonl:3', '{"b":2}'],
    ]);
    assert.equal(await countDocuments(files), 3);
  });
});

describe('concurrency', () => {
  it('forEachConcurrent never runs more than N tasks and reads items only as slots free up', async () => {
    let running = 0;
    let peak = 0;
    let read = 0;
    async function* items(): AsyncGenerator<number> {
      for (let i = 0; i < 20; i++) {
        read += 1;
        assert.ok(read - finished <= 4, 'no read-ahead beyond the free slots');
        yield i;
      }
    }
    let finished = 0;
    await forEachConcurrent(items(), 3, async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running -= 1;
      finished += 1;
    });
    assert.equal(finished, 20);
    assert.equal(peak, 3);
  });
  it('createLimiter bounds concurrent tasks and returns their results', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limit(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 1));
          running -= 1;
          return i * 2;
        }),
      ),
    );
    assert.equal(peak, 2);
    assert.deepEqual(results, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });
});

describe('summary', () => {
  it('counts outcomes by code; --json lists every problem; the run fails on any problem', () => {
    const tally = newTally(true);
    tally.read = 5;
    tally.submitted = 4;
    tally.created = 4;
    tally.verified = 1;
    recordProblem(tally, { source: 'a.json', id: 'sha256:aa', outcome: 'rejected', code: 'UNTRUSTED_KEY', message: 'm1' });
    recordProblem(tally, { source: 'b.json', id: 'sha256:bb', outcome: 'rejected', code: 'UNTRUSTED_KEY', message: 'm2' });
    recordProblem(tally, { source: 'c.jsonl:2', id: 'sha256:cc', outcome: 'failed', code: 'FAILED', message: 'neo4j down' });
    recordProblem(tally, { source: 'd.json', id: null, outcome: 'refused', code: 'PAYLOAD_TOO_LARGE', message: 'HTTP 413' });
    const json = summaryJson(tally, 'http://x', 4);
    assert.deepEqual(json.rejected, { total: 2, byCode: { UNTRUSTED_KEY: 2 } });
    assert.deepEqual(json.refused, { total: 1, byCode: { PAYLOAD_TOO_LARGE: 1 } });
    assert.equal(json.failed, 1);
    assert.equal(json.ok, false);
    assert.equal(json.problems.length, 4);
    const text = summaryText(tally, 'http://x', 4);
    assert.match(text, /^5 documents from 4 files → http:\/\/x$/m);
    assert.match(text, /^ {2}rejected\s+2\s+UNTRUSTED_KEY 2$/m);
    assert.match(text, /^ {2}REFUSED PAYLOAD_TOO_LARGE {2}d\.json$/m);
  });
  it('lists problems in file and line order, whatever order the verdicts came in', () => {
    const tally = newTally(true);
    for (const source of ['b.json', 'a.jsonl:10', 'a.jsonl:2']) {
      recordProblem(tally, { source, id: null, outcome: 'rejected', code: 'X', message: '' });
    }
    assert.deepEqual(
      summaryJson(tally, 'http://x', 2).problems.map((p) => p.source),
      ['a.jsonl:2', 'a.jsonl:10', 'b.json'],
    );
  });
  it('without --wait there are no verdict counts', () => {
    const tally = newTally(false);
    tally.read = tally.submitted = 2;
    tally.created = 1;
    const json = summaryJson(tally, 'http://x', 1);
    assert.equal(json.verified, null);
    assert.equal(json.rejected, null);
    assert.equal(json.ok, true);
    assert.match(summaryText(tally, 'http://x', 1), /submitted\s+2\s+1 new, 1 already known/);
  });
});

describe('progress', () => {
  it('plain lines (not a terminal): the heading at once, then a line per interval only when something changed', async () => {
    const written: string[] = [];
    const tally = newTally(false);
    const progress = startProgress(
      { isTTY: false, write: (s) => written.push(s) > 0 },
      tally,
      10,
      '10 documents in 2 files → http://x',
      5,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    tally.submitted = 3;
    await new Promise((resolve) => setTimeout(resolve, 100));
    progress.stop();
    assert.equal(written[0], 'mpg ingest: 10 documents in 2 files → http://x\n');
    assert.deepEqual(written.slice(1), [
      'mpg ingest: 0/10 done, 0 submitted, 0 refused\n',
      'mpg ingest: 3/10 done, 3 submitted, 0 refused\n',
    ]);
  });
  it('a terminal gets one bar redrawn in place, never wider than the terminal, cleared at the end', async () => {
    const written: string[] = [];
    const tally = newTally(true);
    tally.submitted = 5;
    tally.verified = 5;
    const progress = startProgress({ isTTY: true, columns: 60, write: (s) => written.push(s) > 0 }, tally, 10, 'unused', 5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    progress.stop();
    assert.ok(written[0]?.startsWith('\r\u001b[K[############............] 5/10 done'), written[0]);
    assert.ok((written[0]?.length ?? 0) <= '\r\u001b[K'.length + 59);
    assert.equal(written.at(-1), '\r\u001b[K');
  });
});
