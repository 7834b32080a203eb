// Property-based mutation tests over real conformance bundles (fast-check): whatever is flipped, dropped or swapped,
// verifyDocument never throws, and it never reports as verified anything but the original signed statement.

import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { verifyDocument } from '../../../src/verify/index.ts';
import { computeOmsRootDigest } from '../../../src/verify/oms/manifest.ts';
import { pae } from '../../../src/verify/signers/dsse.ts';
import type { TrustPolicy, VerificationResult } from '../../../src/verify/index.ts';
import { OMS_CONFORMANCE, PUBLIC_GOOD_ROOT } from '../../support/paths.ts';
import { OMS_KEY, asset, policy } from './helpers/sign.ts';

const keyPolicy = policy({ keys: [{ id: 'oms', pem: OMS_KEY.publicPem() }] });
const certPolicy = policy({ anchors: [{ id: 'root', pem: OMS_KEY.rootPem() }] });
const keylessPolicy = policy({
  identities: [{ issuer: 'https://sigstore.verify.ibm.com/oauth2', subject: 'stefanb@us.ibm.com' }],
  sigstoreTrustedRoot: JSON.parse(readFileSync(PUBLIC_GOOD_ROOT, 'utf8')) as unknown,
});
const read = (rel: string) => readFileSync(path.join(OMS_CONFORMANCE, 'cases', rel, 'bundle.sig'), 'utf8');

interface Sample {
  readonly name: string;
  readonly text: string;
  readonly policy: TrustPolicy;
  readonly runs: number;
}
const SAMPLES: Sample[] = [
  { name: 'key v1.1', text: read('positive/key-simple'), policy: keyPolicy, runs: 150 },
  { name: 'key Go', text: read('positive/key-simple-go'), policy: keyPolicy, runs: 100 },
  { name: 'key rawBytes (v0.3.1)', text: read('historical/historical-v0.3.1-elliptic-key'), policy: keyPolicy, runs: 100 },
  { name: 'certificate chain', text: read('positive/certificate-simple'), policy: certPolicy, runs: 100 },
  { name: 'certificate legacy v0.2.0', text: read('historical/historical-v0.2.0-certificate'), policy: certPolicy, runs: 100 },
  { name: 'keyless', text: read('historical/historical-v1.1.0-sigstore'), policy: keylessPolicy, runs: 15 },
];

type Bundle = { dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string }[] } };
const parse = (text: string) => JSON.parse(text) as Bundle;

async function original(s: Sample): Promise<Extract<VerificationResult, { status: 'verified' }>> {
  const r = await verifyDocument(s.text, s.policy);
  assert.equal(r.status, 'verified', `${s.name} verifies unmodified`);
  return r as Extract<VerificationResult, { status: 'verified' }>;
}

/** Verified ⇒ exactly the original statement and signer (a flip landed in an unauthenticated field). */
function sameOrRejected(r: VerificationResult, base: Extract<VerificationResult, { status: 'verified' }>): void {
  if (r.status === 'rejected') return;
  assert.deepEqual(r.statement, base.statement);
  assert.deepEqual(r.signer, base.signer);
}

const flip = (bytes: Buffer, index: number, mask: number): Buffer => {
  const out = Buffer.from(bytes);
  const i = index % out.length;
  out[i] = (out[i] ?? 0) ^ mask;
  return out;
};

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

function drop(json: unknown, at: (string | number)[]): unknown {
  const copy = structuredClone(json) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const k of at.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = at[at.length - 1] as string | number;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
  return copy;
}

for (const s of SAMPLES) {
  describe(`mutations of ${s.name}`, () => {
    const mask = fc.integer({ min: 1, max: 255 });

    test('a flipped payload byte is rejected', async () => {
      const base = parse(s.text);
      const payload = Buffer.from(base.dsseEnvelope.payload, 'base64');
      await fc.assert(
        fc.asyncProperty(fc.nat(), mask, async (i, m) => {
          const b = parse(s.text);
          b.dsseEnvelope.payload = flip(payload, i, m).toString('base64');
          assert.equal((await verifyDocument(JSON.stringify(b), s.policy)).status, 'rejected');
        }),
        { numRuns: s.runs },
      );
    });

    test('a flipped signature byte is rejected', async () => {
      const sig = Buffer.from(parse(s.text).dsseEnvelope.signatures[0]?.sig ?? '', 'base64');
      await fc.assert(
        fc.asyncProperty(fc.nat(), mask, async (i, m) => {
          const b = parse(s.text);
          b.dsseEnvelope.signatures = [{ sig: flip(sig, i, m).toString('base64') }];
          assert.equal((await verifyDocument(JSON.stringify(b), s.policy)).status, 'rejected');
        }),
        { numRuns: s.runs },
      );
    });

    test('a flipped document byte never throws and never changes what verifies', async () => {
      const base = await original(s);
      const bytes = Buffer.from(s.text);
      await fc.assert(
        fc.asyncProperty(fc.nat(), mask, async (i, m) => sameOrRejected(await verifyDocument(flip(bytes, i, m), s.policy), base)),
        { numRuns: s.runs },
      );
    });

    test('a dropped field never throws and never changes what verifies', async () => {
      const base = await original(s);
      const all = paths(JSON.parse(s.text));
      await fc.assert(
        fc.asyncProperty(fc.nat({ max: all.length - 1 }), async (i) =>
          sameOrRejected(await verifyDocument(JSON.stringify(drop(JSON.parse(s.text), all[i] ?? [])), s.policy), base),
        ),
        { numRuns: Math.min(s.runs, all.length * 2) },
      );
    });
  });
}

test('signatures swapped between bundles of the same key are rejected', async () => {
  const texts = [
    'positive/key-simple',
    'positive/key-multi-file',
    'positive/key-single-file',
    'historical/historical-v1.1.0-elliptic-key',
  ].map(read);
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: 3 }), fc.nat({ max: 3 }), async (a, b) => {
      fc.pre(a !== b);
      const target = parse(texts[a] ?? '');
      target.dsseEnvelope.signatures = parse(texts[b] ?? '').dsseEnvelope.signatures;
      assert.equal((await verifyDocument(JSON.stringify(target), keyPolicy)).status, 'rejected');
    }),
    { numRuns: 30 },
  );
});

describe('reordered resources', () => {
  const key = createPrivateKey(asset('keys/certificate/signing-key.pem'));
  const base = parse(read('positive/key-multi-file'));
  const statement = JSON.parse(Buffer.from(base.dsseEnvelope.payload, 'base64').toString()) as {
    subject: { digest: { sha256: string } }[];
    predicate: { resources: { name: string; digest: string }[] };
  };
  const withOrder = (order: number[], recomputeRoot: boolean, resign: boolean): string => {
    const s = structuredClone(statement);
    s.predicate.resources = order.map((i) => statement.predicate.resources[i] as { name: string; digest: string });
    if (recomputeRoot)
      (s.subject[0] as { digest: { sha256: string } }).digest.sha256 = computeOmsRootDigest(
        s.predicate.resources.map((r) => r.digest),
      );
    const b = structuredClone(base);
    b.dsseEnvelope.payload = Buffer.from(JSON.stringify(s)).toString('base64');
    if (resign)
      b.dsseEnvelope.signatures = [
        { sig: sign('sha384', pae(b.dsseEnvelope.payloadType, Buffer.from(JSON.stringify(s))), key).toString('base64') },
      ];
    return JSON.stringify(b);
  };
  const permutation = fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 });

  test('re-signed with a recomputed root: verifies with the same files (compared as a map)', async () => {
    await fc.assert(
      fc.asyncProperty(permutation, async (order) => {
        const r = await verifyDocument(withOrder(order, true, true), keyPolicy);
        assert.equal(r.status, 'verified');
        if (r.status !== 'verified') return;
        const asMap = new Map(r.oms?.resources.map((x) => [x.path, x.hex]));
        assert.deepEqual(asMap, new Map(statement.predicate.resources.map((x) => [x.name, x.digest])));
      }),
      { numRuns: 12 },
    );
  });

  test('re-signed without recomputing the root: ROOT_DIGEST_MISMATCH unless the order is unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(permutation, async (order) => {
        const r = await verifyDocument(withOrder(order, false, true), keyPolicy);
        const unchanged = order.every((v, i) => v === i);
        assert.equal(r.status === 'rejected' ? r.code : 'verified', unchanged ? 'verified' : 'ROOT_DIGEST_MISMATCH');
      }),
      { numRuns: 12 },
    );
  });

  test('not re-signed: rejected, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(permutation, async (order) => {
        const r = await verifyDocument(withOrder(order, true, false), keyPolicy);
        assert.equal(r.status === 'rejected' ? r.code : r.status, 'SIGNATURE_INVALID');
      }),
      { numRuns: 12 },
    );
  });
});
