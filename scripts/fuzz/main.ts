// `npm run fuzz -- --count N`: mutates the fixtures' signed documents (unsigned, and re-signed with a trusted key) and
// sends them through the HTTP API; every one must end VERIFIED, or REJECTED with a reason code (scripts/fuzz/run.ts).
// By default it starts the service in this process against NEO4J_URI and REDIS_URL with a queue of its own; with
// --url it fuzzes a running service instead, which must trust the key given with --key. docs/OPERATIONS.md says how
// to run a long pass.
import { randomUUID } from 'node:crypto';
import { createPrivateKey, createPublicKey, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startService } from '../../src/main.ts';
import { fuzzPolicy, newFuzzSigner, runFuzz, seedDocuments } from './run.ts';

const USAGE = `usage: npm run fuzz -- [--count N] [--seed N] [--concurrency N] [--findings DIR] [--url URL --key PEM [--token T]]

  --count N        mutated documents to send (default 1000)
  --seed N         generator seed (default: random, printed); the same seed sends the same documents
  --concurrency N  submissions followed at once (default 128)
  --findings DIR   where documents that did not end VERIFIED or REJECTED-with-a-code are written
                   (default .data/fuzz-findings)
  --url URL        fuzz a running service instead of starting one here
  --key PEM        with --url: the private key (PEM file) re-signed documents are signed with; the service must trust it
  --token T        with --url: an ingest token, when the service has API tokens
  --help           this text

Environment (without --url): NEO4J_URI (bolt://127.0.0.1:7687), REDIS_URL (redis://127.0.0.1:6379);
start the local servers with \`npm run services -- up\`.`;

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    seed: { type: 'string' },
    concurrency: { type: 'string', default: '128' },
    findings: { type: 'string', default: path.resolve(import.meta.dirname, '../../.data/fuzz-findings') },
    url: { type: 'string' },
    key: { type: 'string' },
    token: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const count = Number(values.count);
const concurrency = Number(values.concurrency);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (![count, concurrency, seed].every((n) => Number.isInteger(n) && n >= 0) || count === 0 || (values.url && !values.key)) {
  console.error(USAGE);
  process.exit(2);
}

let url = values.url;
let signer;
let stop = async (): Promise<void> => undefined;
if (url && values.key) {
  const privateKey = createPrivateKey(readFileSync(values.key));
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  signer = { privateKey, hint: createHash('sha256').update(publicKeyPem).digest('hex') };
} else {
  const fresh = newFuzzSigner();
  signer = fresh;
  const policyFile = path.join(mkdtempSync(path.join(tmpdir(), 'mpg-fuzz-')), 'trust-policy.json');
  writeFileSync(policyFile, JSON.stringify(fuzzPolicy(fresh.publicKeyPem)));
  const service = await startService(
    loadConfig({
      ...process.env,
      PORT: '0',
      ROLE: 'all',
      QUEUE_NAME: `fuzz-${randomUUID()}`,
      TRUST_POLICY_FILE: policyFile,
      API_READ_TOKENS: '',
      API_INGEST_TOKENS: '',
      WORKER_CONCURRENCY: process.env['WORKER_CONCURRENCY'] ?? '32',
      LOG_LEVEL: 'error',
    }),
    createLogger('error'),
  );
  url = service.url;
  stop = () => service.close();
}

console.error(`fuzzing ${url} with ${count} documents, seed ${seed}`);
const report = await runFuzz({
  url,
  signer,
  count,
  seed,
  concurrency,
  findingsDir: values.findings,
  progress: (line) => console.error(`  ${line}`),
  ...(values.token ? { token: values.token } : {}),
});
await stop();

const codes = Object.entries(report.byCode)
  .sort((a, b) => b[1] - a[1])
  .map(([code, n]) => `${code} ${n}`)
  .join(', ');
console.log(
  [
    `the ${seedDocuments().length} fixtures, unmutated, first: ${report.warmupSeconds.toFixed(1)} s`,
    `${report.count} documents (seed ${report.seed}) in ${report.seconds.toFixed(1)} s, ${report.distinct} distinct:`,
    `  VERIFIED ${report.verified}, REJECTED ${report.rejected} (${codes})`,
    ...Object.entries(report.byFamily).map(([family, n]) => `  ${family}: VERIFIED ${n.verified}, REJECTED ${n.rejected}`),
    `  findings ${report.findings.length}${report.findings.length > 0 ? ` (written to ${values.findings})` : ''}`,
    ...report.findings.slice(0, 20).map((f) => `    #${f.index} ${f.family} ${f.how}: ${f.problem}`),
  ].join('\n'),
);
process.exit(report.findings.length > 0 ? 1 : 0);
