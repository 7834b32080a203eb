// The deploy-policy file (docs/DEPLOY-GATE.md, "Deploy policies"): named policies, each a list of rules a model must
// meet before it may run. Parsed once with zod; an unknown member anywhere is refused, so a misspelt rule can never
// be silently ignored (which would let through what it was meant to stop).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeIssues, GateError } from '../error.ts';

const text = z.string().min(1);
const digest = z.string().regex(/^[a-z0-9-]+:[0-9a-f]{32,}$/, 'expected algorithm:hex in lower case');

/** A signer a policy accepts: a key by fingerprint, or a keyless identity (exact subject or a pattern). */
const signerSchema = z.union([
  z.strictObject({ key: z.string().regex(/^[0-9a-f]{64}$/, 'expected the lower-case hex SHA-256 of the key') }),
  z.strictObject({
    identity: z
      .strictObject({ issuer: text, subject: text.optional(), subjectPattern: text.optional() })
      .refine((i) => (i.subject === undefined) !== (i.subjectPattern === undefined), {
        message: 'give exactly one of subject, subjectPattern',
      })
      .refine((i) => i.subjectPattern === undefined || compiles(i.subjectPattern), {
        message: 'subjectPattern is not a valid regular expression',
      }),
  }),
]);

const policySchema = z.strictObject({
  description: z.string().optional(),
  /** a verified OMS signature over the model; with `signers`, by one of them. */
  signature: z.strictObject({ signers: z.array(signerSchema).min(1).optional() }).optional(),
  /** verified SLSA provenance for the model; with `builders`, run on one of them (builder ids, exact). */
  provenance: z.strictObject({ builders: z.array(text).min(1).optional() }).optional(),
  /** the license a verified model card gives must be one of these (SPDX ids, compared case-insensitively). */
  licenses: z.array(text).min(1).optional(),
  /** at least one verified PASSED evaluation and no FAILED one; with `datasets`, a PASSED one on each. */
  evaluations: z.strictObject({ datasets: z.array(digest).min(1).optional() }).optional(),
  /** the newest verified OMS signature of the model was received at most this many days ago. */
  maxAgeDays: z.number().positive().optional(),
  /** hops upstream searched for open incidents (1–20, default 10). */
  upstreamDepth: z.number().int().min(1).max(20).optional(),
});

const fileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  policies: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'policy names: letters, digits, . _ -'), policySchema),
});

export type SignerRule = z.infer<typeof signerSchema>;
export type DeployPolicy = z.infer<typeof policySchema> & { readonly name: string };

export interface DeployPolicies {
  get(name: string): DeployPolicy | undefined;
  readonly names: readonly string[];
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** Parses deploy-policy JSON text; throws GateError POLICY_INVALID naming every bad member. */
export function parseDeployPolicies(json: string, where = 'deploy policy'): DeployPolicies {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new GateError('POLICY_INVALID', `${where}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) throw new GateError('POLICY_INVALID', `${where}: ${describeIssues(parsed.error)}`);
  const policies = new Map(Object.entries(parsed.data.policies).map(([name, p]) => [name, { ...p, name }]));
  return { get: (name) => policies.get(name), names: [...policies.keys()].sort() };
}

export function readDeployPolicies(file: string): DeployPolicies {
  let json: string;
  try {
    json = readFileSync(file, 'utf8');
  } catch (error) {
    throw new GateError('POLICY_UNREADABLE', `cannot read the deploy-policy file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseDeployPolicies(json, file);
}

/** No policies: every decision is refused with UNKNOWN_POLICY (what the service runs with when no file is set). */
export const NO_DEPLOY_POLICIES: DeployPolicies = { get: () => undefined, names: [] };
