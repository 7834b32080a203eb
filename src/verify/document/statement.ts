// in-toto Statement (attestation spec/v1/statement.md; the older v0.1 layout is the same for our purposes),
// decoded from the DSSE payload into the narrow Statement type. The predicate stays `unknown` here: the predicate
// registry (predicates.ts) claims it by predicateType.

import { z } from 'zod';
import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';
import { decodeUtf8 } from './encoding.ts';
import { DEFAULT_LIMITS, exceedsJsonDepth } from './limits.ts';
import type { Statement, Subject } from '../types.ts';
import { describeIssues } from './zod-issues.ts';

export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
const STATEMENT_TYPES: readonly string[] = [STATEMENT_V1, STATEMENT_V01];

const SubjectSchema = z.object({
  // ResourceDescriptor.name is optional in v1; the graph keys on the digest, the name is informational.
  name: z.string().optional(),
  digest: z.record(z.string(), z.string().min(1)).refine((d) => Object.keys(d).length > 0, { message: 'empty DigestSet' }),
  // Kept for lineage conventions such as annotations.role (docs/LINEAGE.md); not used by verification.
  annotations: z.record(z.string(), z.unknown()).optional(),
});

const StatementSchema = z.object({
  _type: z.string(),
  subject: z.array(SubjectSchema),
  predicateType: z.string().min(1),
  predicate: z.unknown().optional(),
});

const HEX = /^[0-9a-fA-F]+$/;

/**
 * Decodes and shape-checks a statement. Codes: MALFORMED_STATEMENT, UNSUPPORTED_STATEMENT_TYPE, NO_SUBJECT, and
 * LIMIT_EXCEEDED when the payload nests deeper than `maxJsonDepth` (limits.ts).
 */
export function decodeStatement(payload: Uint8Array, maxJsonDepth = DEFAULT_LIMITS.maxJsonDepth): Check<Statement> {
  const text = decodeUtf8(payload);
  // SECURITY (denial of service): the predicate is later serialized and walked recursively; bound its depth first.
  if (text !== undefined && exceedsJsonDepth(text, maxJsonDepth)) {
    return fail(
      'LIMIT_EXCEEDED',
      `The DSSE payload nests JSON arrays and objects more than ${maxJsonDepth} levels deep (maxJsonDepth).`,
    );
  }
  let json: unknown;
  try {
    json = text === undefined ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail('MALFORMED_STATEMENT', 'The DSSE payload is not a JSON object, so not an in-toto Statement.');
  }
  const type = (json as { _type?: unknown })._type;
  if (typeof type === 'string' && !STATEMENT_TYPES.includes(type)) {
    return fail('UNSUPPORTED_STATEMENT_TYPE', `The statement _type "${type.slice(0, 100)}" is not an in-toto Statement type.`);
  }
  const shape = StatementSchema.safeParse(json);
  if (!shape.success) {
    return fail('MALFORMED_STATEMENT', `The in-toto statement is malformed: ${describeIssues(shape.error)}.`);
  }
  const s = shape.data;
  // in-toto Statement v1: subject MUST be non-empty — a statement about nothing cannot be linked to an artifact.
  if (s.subject.length === 0) return fail('NO_SUBJECT', 'The in-toto statement has an empty subject list.');
  const subjects: Subject[] = s.subject.map((sub) => ({
    name: sub.name ?? '',
    digest: normaliseDigestSet(sub.digest),
    ...(sub.annotations ? { annotations: sub.annotations } : {}),
  }));
  return ok({ type: s._type, predicateType: s.predicateType, subjects, predicate: s.predicate });
}

// The graph's identity is (algorithm, digest) in lower case (docs/LINEAGE.md, "Identity"); hex values are
// lower-cased here, once.
function normaliseDigestSet(digest: Record<string, string>): Record<string, string> {
  // fromEntries defines own properties, so a "__proto__" key stays data and cannot touch the prototype.
  return Object.fromEntries(
    Object.entries(digest).map(([alg, value]) => [alg.toLowerCase(), HEX.test(value) ? value.toLowerCase() : value]),
  );
}
