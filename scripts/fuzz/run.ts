// The fuzz loop: mutants of the fixtures' documents go through the HTTP API (POST /v1/attestations), and each one's
// submission is followed (GET /v1/attestations/{id}) until it ends. Every one must end VERIFIED, or REJECTED with a
// reason code; a refused submission, a FAILED job, a verdict without a code or a submission that does not end in
// time is a finding, written to the findings folder with how it was made. A status read the service could not answer
// in time (503, 504: Neo4j busy or down) is no verdict: it is asked again later, until the submission's own time runs
// out. The fixtures are first given identities of the seed's own and signed with the fuzz key (identities.ts), so a
// run never adds evidence to the artifacts other tests check. Before the mutants, those fixtures go through once
// unmutated and must end like any mutant: that warms a service just started (its first queries are slow), so that
// the mutants meet the service as it runs rather than as it starts.
import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { random } from '../../test/support/seeded.ts';
import { withFuzzIdentities } from './identities.ts';
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

/** A trust policy for the fuzzed service: the fuzz key, the only one any document it is sent is signed with. */
export function fuzzPolicy(fuzzKeyPem: string): object {
  return { keys: [{ id: 'fuzz', pem: fuzzKeyPem }] };
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
  /** the mutant's number in the run; for an unmutated fixture, -1 - its place in seedDocuments(). */
  readonly index: number;
  readonly family: Mutant['family'];
  readonly how: string;
  readonly problem: string;
}

export interface FuzzReport {
  readonly count: number;
  /** seconds the unmutated fixtures took to go through first. */
  readonly warmupSeconds: number;
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
  // The fixtures with identities of this seed's own (identities.ts), signed with the fuzz key.
  const seeds = seedDocuments().flatMap(({ name, bytes }) => {
    const ours = withFuzzIdentities(bytes, options.seed, options.signer);
    return ours ? [{ name, bytes: ours }] : [];
  });
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

  const finding = (index: number, mutant: Mutant, problem: string): void => {
    findings.push({ index, family: mutant.family, how: mutant.how, problem });
    if (options.findingsDir) {
      mkdirSync(options.findingsDir, { recursive: true });
      writeFileSync(path.join(options.findingsDir, `${index}.json`), mutant.bytes);
      writeFileSync(path.join(options.findingsDir, `${index}.txt`), `${mutant.family}: ${mutant.how}\n${problem}\n`);
    }
  };

  /** Submits `bytes`; its id, or what the service answered instead. */
  const submit = async (bytes: Buffer): Promise<{ id: string } | { problem: string }> => {
    const submitted = await request(`${options.url}/v1/attestations?origin=fuzz`, {
      method: 'POST',
      headers,
      body: new Uint8Array(bytes),
    });
    const answer = (await submitted.json().catch(() => null)) as { id?: string; error?: { code?: string } } | null;
    if (submitted.status !== 202 || !answer?.id)
      return { problem: `submission answered ${submitted.status} ${JSON.stringify(answer)}` };
    return { id: answer.id };
  };

  /** Follows submission `id` until it ends, or its time runs out; the last status read. */
  const follow = async (id: string): Promise<{ state?: string; reasonCode?: unknown; error?: unknown; problem?: string }> => {
    const deadline = Date.now() + timeoutMs;
    let state: string | undefined;
    for (let wait = 20; ; wait = Math.min(1000, wait * 2)) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      const response = await request(`${options.url}/v1/attestations/${id}`, { headers });
      const status = (await response.json().catch(() => null)) as {
        state?: string;
        attestation?: { reasonCode?: unknown } | null;
        error?: unknown;
      } | null;
      if (response.status === 200) {
        state = status?.state;
        if (state === 'VERIFIED' || state === 'REJECTED' || state === 'FAILED') {
          return { state, reasonCode: status?.attestation?.reasonCode, error: status?.error };
        }
      } else if (response.status !== 503 && response.status !== 504) {
        return { problem: `status answered ${response.status} ${JSON.stringify(status).slice(0, 300)}` };
      }
      if (Date.now() > deadline) return { problem: `still ${state ?? 'unanswered'} after ${timeoutMs} ms` };
    }
  };

  const warmupStarted = performance.now();
  await Promise.all(
    seeds.map(async (seed, index) => {
      const fixture: Mutant = { bytes: seed.bytes, family: 'resigned', how: `the fixture ${seed.name}, unmutated` };
      const submitted = await submit(seed.bytes);
      if ('problem' in submitted) return finding(-1 - index, fixture, submitted.problem);
      const ended = await follow(submitted.id);
      if (ended.problem !== undefined) finding(-1 - index, fixture, ended.problem);
      else if (ended.state === 'FAILED') finding(-1 - index, fixture, `FAILED: ${JSON.stringify(ended.error)}`);
    }),
  );
  const warmupSeconds = (performance.now() - warmupStarted) / 1000;
  const started = performance.now();

  const one = async (index: number, mutant: Mutant): Promise<void> => {
    const submitted = await submit(mutant.bytes);
    if ('problem' in submitted) return finding(index, mutant, submitted.problem);
    if (seen.has(submitted.id)) return;
    seen.add(submitted.id);
    const ended = await follow(submitted.id);
    if (ended.problem !== undefined) return finding(index, mutant, ended.problem);
    const state = ended.state;
    const tally = (byFamily[mutant.family] ??= { verified: 0, rejected: 0 });
    if (state === 'VERIFIED') {
      verified++;
      tally.verified++;
      return;
    }
    if (state === 'REJECTED') {
      const code = ended.reasonCode;
      if (typeof code !== 'string' || code === '')
        return finding(index, mutant, `REJECTED without a reason code: ${JSON.stringify(ended)}`);
      rejected++;
      tally.rejected++;
      byCode[code] = (byCode[code] ?? 0) + 1;
      return;
    }
    return finding(index, mutant, `FAILED: ${JSON.stringify(ended.error)}`);
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
    warmupSeconds,
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
