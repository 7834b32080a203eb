// verifyDocument: submitted bytes → VerificationResult, in the order DSSE prescribes (protocol.md "Verification"):
//   1. readDocument: the bundle or envelope shape, and a payloadType that names in-toto JSON;
//   2. readClaim: what the statement claims, not yet trusted;
//   3. checkSignature: the signature by key, certificate or keyless (signers/signature.ts);
//   4. checkContent: only then the statement and its predicate, trusted.
// The statement is decoded before step 3 solely to learn the subject names that trust-entry scopes apply to; the
// signature covers those bytes, so after step 3 the names are authentic. Input limits (document/limits.ts) are the
// exception to "signature first": an over-limit document is refused as soon as the limit is seen, whoever signed it.

import { fail, ok, type Check, type Failure } from './check.ts';
import { VerifyError } from './error.ts';
import { parseDocument, type Document } from './document/bundle.ts';
import { sha256Hex } from './document/encoding.ts';
import { isInTotoPayloadType } from './document/envelope.ts';
import { checkPredicate } from './document/predicates.ts';
import { resolveLimits } from './document/limits.ts';
import type { Limits } from './document/limits.ts';
import { checkSignature } from './signers/signature.ts';
import { decodeStatement } from './document/statement.ts';
import { checkStatementLimits } from './document/statement-limits.ts';
import type { OmsManifest, Rejected, Statement, TrustPolicy, VerificationMethod, VerificationResult } from './types.ts';

export interface VerifyOptions {
  /** the verification time for certificate validity; default: now. */
  readonly now?: Date;
  /** input limits to apply instead of DEFAULT_LIMITS (limits.ts); unset members keep their default. */
  readonly limits?: Partial<Limits>;
}

/**
 * Verifies one document against `policy`. Never throws for bad input — every problem with the document is a
 * Rejected result with its code. Throws VerifyError only for faults: unusable caller-built trust material, or a
 * bug (code INTERNAL).
 */
export async function verifyDocument(
  bytes: Uint8Array | string,
  policy: TrustPolicy,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  const raw =
    typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const documentDigest = sha256Hex(raw);
  try {
    return await verifyRaw(raw, documentDigest, policy, options.now ?? new Date(), resolveLimits(options.limits));
  } catch (err) {
    if (err instanceof VerifyError) throw err;
    throw new VerifyError('INTERNAL', `verification of document ${documentDigest} failed unexpectedly`, { cause: err });
  }
}

/** The spine, four steps in the order DSSE verification prescribes (see the top of this file). */
async function verifyRaw(
  raw: Buffer,
  documentDigest: string,
  policy: TrustPolicy,
  now: Date,
  limits: Limits,
): Promise<VerificationResult> {
  const rejected = (
    failure: Failure,
    extra: { method?: VerificationMethod; statement?: Statement | undefined } = {},
  ): Rejected => ({
    status: 'rejected',
    documentDigest,
    code: failure.code,
    message: failure.message,
    ...(extra.statement ? { predicateType: extra.statement.predicateType, statement: extra.statement } : {}),
    ...(extra.method ? { method: extra.method } : {}),
  });

  const doc = readDocument(raw, limits);
  if (!doc.ok) return rejected(doc);
  const claim = readClaim(doc.value.envelope.payload, limits);
  if (!claim.ok) return rejected(claim);
  const claimed = claim.value.ok ? claim.value.value : undefined;
  const { method, result: signer } = await checkSignature(doc.value, policy, now, {
    ...(claimed ? { subjectNames: claimed.subjects.map((s) => s.name) } : {}),
    ...(claimed ? { predicateType: claimed.predicateType } : {}),
  });
  // SECURITY: nothing from an unverified document is returned as trusted; the claimed statement rides along on
  // the rejection only as a record (types.ts Rejected.statement).
  if (!signer.ok) return rejected(signer, { method, statement: claimed });
  const content = checkContent(claim.value);
  if (!content.ok) return rejected(content, { method, statement: claimed });
  return {
    status: 'verified',
    documentDigest,
    predicateType: content.value.statement.predicateType,
    method,
    signer: signer.value,
    statement: content.value.statement,
    ...(content.value.oms ? { oms: content.value.oms } : {}),
  };
}

/** Step 1, the document's shape: a bundle or envelope whose payloadType names in-toto JSON. */
function readDocument(raw: Buffer, limits: Limits): Check<Document> {
  const doc = parseDocument(raw, limits.maxJsonDepth);
  if (doc.ok && !isInTotoPayloadType(doc.value.envelope.payloadType)) {
    return fail(
      'UNSUPPORTED_PAYLOAD_TYPE',
      `The DSSE payloadType "${doc.value.envelope.payloadType.slice(0, 100)}" is not in-toto JSON.`,
    );
  }
  return doc;
}

/**
 * Step 2, what the statement claims, not yet trusted. Refused here only for its size (the input limits apply
 * whoever signed it); any other fault in it is reported after the signature check, as the signer's.
 */
function readClaim(payload: Uint8Array, limits: Limits): Check<Check<Statement>> {
  const statement = decodeStatement(payload, limits.maxJsonDepth);
  if (!statement.ok) return statement.code === 'LIMIT_EXCEEDED' ? statement : ok(statement);
  // The over-limit statement is not attached: recording its thousands of subjects is the cost being refused.
  const size = checkStatementLimits(statement.value, limits);
  return size.ok ? ok(statement) : size;
}

/** Step 4, once the signature verified: the statement and its predicate, now trusted. */
function checkContent(claim: Check<Statement>): Check<{ statement: Statement; oms?: OmsManifest }> {
  if (!claim.ok) return claim;
  const predicate = checkPredicate(claim.value);
  if (!predicate.ok) return predicate;
  return ok({ statement: claim.value, ...(predicate.value ? { oms: predicate.value } : {}) });
}
