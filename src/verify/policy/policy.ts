// The trust-policy file (format: docs/TRUST-POLICY.md) → TrustPolicy. Validated once at load, so that a bad
// policy is a loud configuration error naming the bad key, never a silent "nothing verifies".

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configuredKeyHash, keyHash } from '../signers/dsse.ts';
import { VerifyError } from '../error.ts';
import { parseTrustedRoot } from '../keyless/trust-root.ts';
import { parsePublicKey, pemBlocks } from './material.ts';
import type { TrustedAnchor, TrustedIdentity, TrustedKey, TrustPolicy } from '../types.ts';
import { describeIssues } from '../document/zod-issues.ts';

/** Trusts nothing: every document is rejected (NO_TRUST_MATERIAL). */
export const EMPTY_TRUST_POLICY: TrustPolicy = Object.freeze({ keys: [], anchors: [], identities: [] });

const scope = z.array(z.string().min(1)).min(1).optional();
const pemFields = { id: z.string().min(1), pem: z.string().min(1).optional(), pemFile: z.string().min(1).optional(), scope };
const onePem = (e: { pem?: string | undefined; pemFile?: string | undefined }): boolean =>
  (e.pem === undefined) !== (e.pemFile === undefined);
const pemEntry = z.strictObject(pemFields).refine(onePem, { message: 'give exactly one of pem, pemFile' });
const keyEntry = z
  .strictObject({ ...pemFields, hash: z.enum(['sha256', 'sha384', 'sha512']).optional() })
  .refine(onePem, { message: 'give exactly one of pem, pemFile' });
const identityEntry = z
  .strictObject({
    issuer: z.string().min(1),
    subject: z.string().min(1).optional(),
    subjectPattern: z.string().min(1).optional(),
    scope,
  })
  .refine((e) => (e.subject === undefined) !== (e.subjectPattern === undefined), {
    message: 'give exactly one of subject, subjectPattern',
  })
  .refine((e) => e.subjectPattern === undefined || compiles(e.subjectPattern), {
    message: 'subjectPattern is not a valid regular expression',
    path: ['subjectPattern'],
  });

const PolicyFileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).optional(),
  keys: z.array(keyEntry).default([]),
  anchors: z.array(pemEntry).default([]),
  identities: z.array(identityEntry).default([]),
  sigstoreTrustedRoot: z.string().min(1).optional(),
});

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export interface LoadedPolicy {
  readonly policy: TrustPolicy;
  /** every file read (the policy and the files it names), so a store can watch them all. */
  readonly files: readonly string[];
}

/**
 * Loads and validates a trust-policy file. Relative `pemFile` / `sigstoreTrustedRoot` paths are resolved against
 * the policy file's directory. Throws VerifyError POLICY_UNREADABLE or POLICY_INVALID (listing every problem).
 */
export function loadTrustPolicy(policyPath: string): TrustPolicy {
  return readTrustPolicy(policyPath).policy;
}

export function readTrustPolicy(policyPath: string): LoadedPolicy {
  const where = path.resolve(policyPath);
  let text: string;
  try {
    text = readFileSync(where, 'utf8');
  } catch (cause) {
    throw new VerifyError('POLICY_UNREADABLE', `trust policy ${where} cannot be read: ${(cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new VerifyError('POLICY_INVALID', `trust policy ${where} is not JSON: ${(cause as Error).message}`, { cause });
  }
  const shape = PolicyFileSchema.safeParse(json);
  if (!shape.success)
    throw new VerifyError('POLICY_INVALID', `trust policy ${where} is invalid: ${describeIssues(shape.error, '', 20)}`);

  const problems: string[] = [];
  const files = [where];
  const dir = path.dirname(where);
  const read = (field: string, file: string): string | undefined => {
    const full = path.resolve(dir, file);
    files.push(full);
    try {
      return readFileSync(full, 'utf8');
    } catch (err) {
      problems.push(`${field}: cannot read ${full} (${(err as Error).message})`);
      return undefined;
    }
  };
  const doc = shape.data;
  const keys: TrustedKey[] = [];
  for (const [i, k] of doc.keys.entries()) {
    const pem = k.pem ?? read(`keys[${i}].pemFile`, k.pemFile ?? '');
    if (pem === undefined) continue;
    const key = parsePublicKey(pem);
    const supported = key === undefined ? undefined : k.hash === undefined ? keyHash(key) : configuredKeyHash(key, k.hash);
    if (supported === undefined) problems.push(`keys[${i}] "${k.id}": not a PEM public key`);
    else if (!supported.ok) problems.push(`keys[${i}] "${k.id}": ${supported.message}`);
    else
      keys.push({
        id: k.id,
        pem: pemBlocks(pem, 'PUBLIC KEY')[0] ?? pem,
        ...(k.scope ? { scope: k.scope } : {}),
        ...(k.hash ? { hash: k.hash } : {}),
      });
  }
  const anchors: TrustedAnchor[] = [];
  for (const [i, a] of doc.anchors.entries()) {
    const pem = a.pem ?? read(`anchors[${i}].pemFile`, a.pemFile ?? '');
    if (pem === undefined) continue;
    const certs = pemBlocks(pem, 'CERTIFICATE');
    if (certs.length === 0) problems.push(`anchors[${i}] "${a.id}": holds no PEM certificate`);
    // A CA-bundle file may hold several certificates: each is an anchor of its own, `id`, `id#2`, `id#3`, …
    for (const [n, cert] of certs.entries()) {
      try {
        new X509Certificate(cert);
        anchors.push({ id: n === 0 ? a.id : `${a.id}#${n + 1}`, pem: cert, ...(a.scope ? { scope: a.scope } : {}) });
      } catch {
        problems.push(`anchors[${i}] "${a.id}": certificate ${n + 1} does not parse`);
      }
    }
  }
  for (const [field, ids] of [
    ['keys', keys.map((k) => k.id)],
    ['anchors', anchors.map((a) => a.id)],
  ] as const) {
    const dup = ids.find((id, n) => ids.indexOf(id) !== n);
    if (dup !== undefined) problems.push(`${field}: id "${dup}" is used twice`);
  }
  const identities: TrustedIdentity[] = doc.identities.map((e) => ({ ...e }));
  let sigstoreTrustedRoot: unknown;
  if (doc.sigstoreTrustedRoot !== undefined) {
    const text = read('sigstoreTrustedRoot', doc.sigstoreTrustedRoot);
    if (text !== undefined) sigstoreTrustedRoot = parseRoot(text, problems);
  }
  if (problems.length > 0) throw new VerifyError('POLICY_INVALID', `trust policy ${where} is invalid: ${problems.join('; ')}`);
  const policy: TrustPolicy = {
    keys,
    anchors,
    identities,
    ...(sigstoreTrustedRoot === undefined ? {} : { sigstoreTrustedRoot }),
  };
  return { policy, files };
}

function parseRoot(text: string, problems: string[]): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    problems.push('sigstoreTrustedRoot: the file is not JSON');
    return undefined;
  }
  const checked = parseTrustedRoot(json);
  if (!checked.ok) problems.push(`sigstoreTrustedRoot: ${checked.message}`);
  return json;
}
