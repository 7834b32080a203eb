// The fuzz loop: mutants of the fixtures' documents go through the HTTP API (POST /v1/attestations), and each one's
// submission is followed (GET /v1/attestations/{id}) until it ends. Every one must end VERIFIED, or REJECTED with a
// reason code; a refused submission, a FAILED job, a verdict without a code or a submission that does not end in
// time is a finding, written to the findings folder with how it was made.
import { generateKeyPairSync, createHash, createPublicKey } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { random } from '../../test/support/seeded.ts';
import { mutate, type FuzzSigner, type Mutant } from './mutate.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCENARIO = path.join(ROOT, 'test/fixtures/scenario');
const INTEROP = path.join(ROOT, 'test/fixtures/interop');

/** The fixtures' documents: the signed lineage scenario and the model_signing bundles. */
export function seedDocuments(): { name: string; bytes: Buffer }[] {
  const from = (dir: string, suffix: string) =>
    readdirSync(dir)
      .filter((file) => file.endsWith(suffix))
      .sort()
      .map((file) => ({ name: path.relative(ROOT, path.join(dir, file)), bytes: readFileSync(path.join(dir, file)) }));
  return [...from(path.join(SCENARIO, 'documents'), '.json'), ...from(path.join(INTEROP, 'bundles'), '.sig')];
}

/** A fresh P-256 key for re-signing; the service must trust it (fuzzPolicy). */
export function newFuzzSigner(): FuzzSigner & { publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem, hint: createHash('sha256').update(publicKeyPem).digest('hex') };
}

/** A trust policy for the fuzzed service: the fixtures' own keys and CA (so unmutated fixtures verify) and the fuzz key. */
export function fuzzPolicy(fuzzKeyPem: string): object {
  const pem = (file: string): string => createPublicKey(readFileSync(file)).export({ type: 'spki', format: 'pem' }).toString();
  return {
    keys: [
      { id: 'scenario-hub', pem: pem(path.join(SCENARIO, 'keys/hub.pub.pem')) },
      { id: 'scenario-pipeline', pem: pem(path.join(SCENARIO, 'keys/pipeline.pub.pem')) },
      { id: 'interop-p256', pem: pem(path.join(INTEROP, 'keys/p256-pub.pem')) },
      { id: 'interop-p384', pem: pem(path.join(INTEROP, 'keys/p384-pub.pem')) },
      { id: 'fuzz', pem: fuzzKeyPem },
    ],
    anchors: [{ id: 'interop-root', pem: readFileSync(path.join(INTEROP, 'keys/root-ca.pem'), 'utf8') }],
  };
}

export interface FuzzOptions {
  readonly url: string;
  /** ingest token, when the service has API tokens. */
  readonly token?: string;
  readonly signer: FuzzSigner;
  readonly count: number;
  readonly seed: number;
  /** submissions followed at once (default 32). */
  readonly concurrency?: number;
  /** ms one submission may take to end (default 120,000). */
  readonly timeoutMs?: number;
  /** where findings are written (default none). */
  readonly findingsDir?: string;
  /** progress lines (default none). */
  readonly progress?: (line: string) => void;
}

export interface Finding {
  readonly index: number;
  readonly family: Mutant['family'];
  readonly how: string;
  readonly problem: string;
}

export interface FuzzReport {
  readonly count: number;
  readonly seed: number;
  readonly verified: number;
  readonly rejected: number;
  /** distinct submissions (mutants can coincide). */
  readonly distinct: number;
  readonly byCode: Readonly<Record<string, number>>;
  readonly byFamily: Readonly<Record<string, { verified: number; rejected: number }>>;
  readonly findings: readonly Finding[];
  readonly seconds: number;
}

/**
 * fetch, tried again (three times in all) when the connection itself fails: a connection reset is the transport's,
 * not a verdict on the document (submitting again is idempotent). A service that is down still fails all three.
 */
async function request(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const seeds = seedDocuments();
  const rng = random(options.seed);
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const timeoutMs = options.timeoutMs ?? 120_000;
  const byCode: Record<string, number> = {};
  const byFamily: Record<string, { verified: number; rejected: number }> = {};
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let verified = 0;
  let rejected = 0;
  let next = 0;
  const started = performance.now();

  const finding = (index: number, mutant: Mutant, problem: string): void => {
    findings.push({ index, family: mutant.family, how: mutant.how, problem });
    if (options.findingsDir) {
      mkdirSync(options.findingsDir, { recursive: true });
      writeFileSync(path.join(options.findingsDir, `${index}.json`), mutant.bytes);
      writeFileSync(path.join(options.findingsDir, `${index}.txt`), `${mutant.family}: ${mutant.how}\n${problem}\n`);
    }
  };

  const one = async (index: number, mutant: Mutant): Promise<void> => {
    const submitted = await request(`${options.url}/v1/attestations?origin=fuzz`, {
      method: 'POST',
      headers,
      body: new Uint8Array(mutant.bytes),
    });
    const answer = (await submitted.json().catch(() => null)) as { id?: string; error?: { code?: string } } | null;
    if (submitted.status !== 202 || !answer?.id)
      return finding(index, mutant, `submission answered ${submitted.status} ${JSON.stringify(answer)}`);
    if (seen.has(answer.id)) return;
    seen.add(answer.id);
    const deadline = Date.now() + timeoutMs;
    for (let wait = 20; ; wait = Math.min(500, wait * 2)) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      const response = await request(`${options.url}/v1/attestations/${answer.id}`, { headers });
      const status = (await response.json().catch(() => null)) as {
        state?: string;
        attestation?: { reasonCode?: unknown } | null;
        error?: unknown;
      } | null;
      const state = status?.state;
      const tally = (byFamily[mutant.family] ??= { verified: 0, rejected: 0 });
      if (state === 'VERIFIED') {
        verified++;
        tally.verified++;
        return;
      }
      if (state === 'REJECTED') {
        const code = status?.attestation?.reasonCode;
        if (typeof code !== 'string' || code === '')
          return finding(index, mutant, `REJECTED without a reason code: ${JSON.stringify(status)}`);
        rejected++;
        tally.rejected++;
        byCode[code] = (byCode[code] ?? 0) + 1;
        return;
      }
      if (state === 'FAILED') return finding(index, mutant, `FAILED: ${JSON.stringify(status?.error)}`);
      if (response.status !== 200 && response.status !== 503) return finding(index, mutant, `status answered ${response.status}`);
      if (Date.now() > deadline) return finding(index, mutant, `still ${state} after ${timeoutMs} ms`);
    }
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= options.count) return;
      // Mutants are made in index order from one generator, so a seed gives the same documents at any concurrency.
      const seed = seeds[Math.floor(rng() * seeds.length)] as { bytes: Buffer };
      const mutant = mutate(seed.bytes, rng, options.signer);
      await one(index, mutant).catch((error: unknown) => {
        const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
        finding(index, mutant, `request failed: ${String(error)} (${String(cause?.code ?? cause?.message ?? 'no cause')})`);
      });
      if (options.progress && (index + 1) % 1000 === 0) {
        const seconds = (performance.now() - started) / 1000;
        options.progress(
          `${index + 1} sent, ${verified + rejected} ended, ${findings.length} findings, ${Math.round((verified + rejected) / seconds)}/s`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 32 }, worker));
  return {
    count: options.count,
    seed: options.seed,
    verified,
    rejected,
    distinct: seen.size,
    byCode,
    byFamily,
    findings,
    seconds: (performance.now() - started) / 1000,
  };
}
