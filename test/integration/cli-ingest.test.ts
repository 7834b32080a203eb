// `mpg ingest` as a user runs it: a subprocess (`node src/cli/main.ts ingest …`) against the real service in-process,
// over a temp folder of real signed documents — valid ones, rejected ones, a JSON Lines file, a nested folder, a hidden
// folder, an oversized file — checking the summary it prints and its exit code.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningService } from '../../src/main.ts';
import { newSigner, omsStatement, policyFor, provenance, sha256, signBundle, signEnvelope } from '../support/attest.ts';
import { REPO_ROOT } from '../support/paths.ts';
import { startTestService, writeTrustPolicy } from '../support/service.ts';

const CLI = path.join(REPO_ROOT, 'src/cli/main.ts');
// Small, so the oversized document is refused with 413 while the 200 kB deep document is still taken.
const MAX_BODY_BYTES = 256 * 1024;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function ingest(cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'ingest', ...args], { cwd, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('mpg ingest (CLI subprocess against a running service)', () => {
  let service: RunningService;
  let dir: string;
  const signer = newSigner();
  const stranger = newSigner();
  const run = `ingest-${Date.now()}-${Math.random().toString(36).slice(2)}`;

  const model = (name: string) => omsStatement(`${run}/${name}`, { 'weights.bin': `${run} ${name} weights` }).doc;
  const prov = (name: string) =>
    provenance({
      subjects: [{ name: `${run}/${name}`, digest: { sha256: sha256(`${run} ${name}`) } }],
      dependencies: [{ name: 'data', digest: { sha256: sha256(`${run} data`) }, annotations: { role: 'dataset' } }],
      runKind: 'training',
      invocationId: `${run}-${name}`,
    });

  before(async () => {
    const policyFile = await writeTrustPolicy(policyFor(signer));
    service = await startTestService({ TRUST_POLICY_FILE: policyFile, MAX_BODY_BYTES: String(MAX_BODY_BYTES) });
    dir = await mkdtemp(path.join(tmpdir(), 'mpg-cli-ingest-'));
    const files: Record<string, string> = {
      'valid/model-a.sigstore.json': signBundle(model('a'), signer),
      'valid/nested/deeper/train.dsse': signEnvelope(prov('train'), signer),
      'rejected/stranger.sig': signBundle(model('stranger'), stranger),
      'rejected/deep.json': '['.repeat(100_000) + ']'.repeat(100_000),
      // CRLF line ends and a blank line: three documents on lines 1, 3 and 4
      'batch/exports.jsonl': [
        signBundle(model('jsonl-1'), signer),
        '',
        '{"not": json',
        signEnvelope(prov('jsonl-4'), signer),
      ].join('\r\n'),
      'big/oversized.json': JSON.stringify({ padding: 'x'.repeat(MAX_BODY_BYTES + 1) }),
      '.hidden/skipped.json': signBundle(model('hidden'), signer),
      'valid/README.txt': 'not a document',
    };
    for (const [name, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), content);
    }
  });
  after(async () => {
    await service?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('--wait --json: verified, rejected by reason, refused (413), exit 1', async () => {
    const result = await ingest(dir, ['--url', service.url, '--wait', '--json', '--concurrency', '3', '.']);
    assert.equal(result.code, 1, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.files, 6, 'the hidden folder and README.txt are skipped');
    assert.equal(summary.documents, 8);
    assert.equal(summary.submitted, 7);
    assert.equal(summary.verified, 4);
    assert.deepEqual(summary.rejected, { total: 3, byCode: { LIMIT_EXCEEDED: 1, MALFORMED_JSON: 1, UNTRUSTED_KEY: 1 } });
    assert.equal(summary.failed, 0);
    assert.deepEqual(summary.refused, { total: 1, byCode: { PAYLOAD_TOO_LARGE: 1 } });
    assert.equal(summary.ok, false);
    const bySource = Object.fromEntries(summary.problems.map((p: any) => [p.source, p]));
    assert.equal(bySource['batch/exports.jsonl:3'].code, 'MALFORMED_JSON', 'JSON Lines documents are named by line');
    assert.equal(bySource['rejected/stranger.sig'].code, 'UNTRUSTED_KEY');
    assert.match(bySource['rejected/deep.json'].message, /maxJsonDepth/);
    assert.equal(bySource['big/oversized.json'].outcome, 'refused');
    // refused by itself inside its batch, with the code a submission of its own would get (413)
    assert.match(bySource['big/oversized.json'].message, new RegExp(`the limit is ${MAX_BODY_BYTES}$`));
    assert.match(result.stderr, /^mpg ingest: 8 documents in 6 files → http/m, 'stderr is not a TTY: plain lines');
    assert.ok(!result.stderr.includes('\r') && !result.stderr.includes('\u001b['), 'no bar redrawn in place');
  });

  it('--wait on valid documents only: a human summary and exit 0', async () => {
    const result = await ingest(dir, [
      '--url',
      service.url,
      '--wait',
      'valid',
      'batch/exports.jsonl',
      'valid/model-a.sigstore.json',
    ]);
    // exports.jsonl line 3 is malformed, so exactly one rejection
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stdout, /^5 documents from 3 files → /m, 'a file named twice is read once');
    assert.match(result.stdout, /^ {2}verified\s+4$/m);
    assert.match(result.stdout, /^ {2}rejected\s+1\s+MALFORMED_JSON 1$/m);
    assert.match(result.stdout, /REJECTED MALFORMED_JSON {2}batch\/exports\.jsonl:3 {2}sha256:[0-9a-f]{64}/);

    const clean = await ingest(dir, ['--url', service.url, '--wait', '--quiet', 'valid']);
    assert.equal(clean.code, 0, clean.stdout);
    assert.match(clean.stdout, /^ {2}verified\s+2$/m);
    assert.match(clean.stdout, /^ {2}refused\s+0$/m);
    assert.equal(clean.stderr, '', '--quiet: no progress');
  });

  it('without --wait: submitted (new / already known) and exit 0; refusals alone fail the run', async () => {
    const known = await ingest(dir, ['--url', service.url, '--json', 'valid']);
    assert.equal(known.code, 0, known.stderr);
    const summary = JSON.parse(known.stdout);
    assert.equal(summary.submitted, 2);
    assert.equal(summary.created, 0, 'both were submitted by the earlier runs');
    assert.equal(summary.verified, null, 'no verdicts without --wait');

    const refused = await ingest(dir, ['--url', service.url, 'big', 'rejected']);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^ {2}submitted\s+2\s+/m, 'rejections are not known without --wait');
    assert.match(refused.stdout, /^ {2}refused\s+1\s+PAYLOAD_TOO_LARGE 1$/m);
  });

  it('usage and input errors: exit 2; an unreachable service: exit 1 before submitting anything', async () => {
    const missing = await ingest(dir, ['--url', service.url, 'no-such-folder']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no-such-folder/);
    const badConcurrency = await ingest(dir, ['--url', service.url, '--concurrency', '0', 'valid']);
    assert.equal(badConcurrency.code, 2);
    assert.match(badConcurrency.stderr, /--concurrency/);
    const nothing = await ingest(dir, ['--url', service.url]);
    assert.equal(nothing.code, 2);
    const down = await ingest(dir, ['--url', `http://127.0.0.1:${await closedPort()}`, 'valid']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot reach the service at .*ECONNREFUSED/);
    const help = await ingest(dir, ['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--concurrency N/);
  });
});

describe('mpg ingest --token against a service that requires tokens', () => {
  const TOKEN = `ingest-token-${Math.random().toString(36).slice(2)}-0123456789`;
  let service: RunningService;
  let dir: string;
  const signer = newSigner();

  before(async () => {
    const policyFile = await writeTrustPolicy(policyFor(signer));
    service = await startTestService({ TRUST_POLICY_FILE: policyFile, API_INGEST_TOKENS: TOKEN });
    dir = await mkdtemp(path.join(tmpdir(), 'mpg-cli-ingest-token-'));
    const doc = omsStatement(`token-${Date.now()}/m`, { 'weights.bin': `${Math.random()}` }).doc;
    await writeFile(path.join(dir, 'model.sigstore.json'), signBundle(doc, signer));
  });
  after(async () => {
    await service?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('without a token every document is refused (UNAUTHENTICATED); with --token it verifies', async () => {
    const without = await ingest(dir, ['--url', service.url, '--json', '.']);
    assert.equal(without.code, 1);
    assert.deepEqual(JSON.parse(without.stdout).refused, { total: 1, byCode: { UNAUTHENTICATED: 1 } });
    const withToken = await ingest(dir, ['--url', service.url, '--token', TOKEN, '--wait', '--json', '.']);
    assert.equal(withToken.code, 0, withToken.stdout);
    assert.equal(JSON.parse(withToken.stdout).verified, 1);
  });
});
