// verifyDocument: submitted bytes → VerificationResult, in the order DSSE prescribes (protocol.md "Verification"):
//   1. readDocument: the bundle or envelope shape, and a payloadType that names in-toto JSON;
//   2. readClaim: what the statement claims, not yet trusted;
//   3. checkSignature: the signature by key, certificate or keyless (signers/signature.ts);
//   4. checkContent: only then the statement and its predicate, trusted.
// A standalone Atlas manifest has no envelope and follows the same order in atlas/standalone.ts.
// The statement is decoded before step 3 solely to learn the subject names that trust-entry scopes apply to; the
// signature covers those bytes, so after step 3 the names are authentic. Input limits (document/limits.ts) are the
// exception to "signature first": an over-limit document is refused as soon as the limit is seen, whoever signed it.

import { X509Certificate } from 'node:crypto';
import { fail, ok, type Check, type Failure } from './check.ts';
import { VerifyError } from './error.ts';
import { parseDocument, type SignedDocument } from './document/bundle.ts';
import { sha256Hex } from './document/encoding.ts';
import { isInTotoPayloadType } from './document/envelope.ts';
import { checkPredicate } from './document/predicates.ts';
import { resolveLimits } from './document/limits.ts';
import type { Limits } from './document/limits.ts';
import { checkSignature, claimedMethod } from './signers/signature.ts';
import { decodeStatement } from './document/statement.ts';
import { checkStatementLimits } from './document/statement-limits.ts';
import { verifyStandalone } from './atlas/standalone.ts';
import type { CheckedPredicate } from './document/predicates.ts';
import type { Rejected, Statement, TrustPolicy, VerificationMethod, VerificationResult } from './types.ts';

export interface VerifyOptions {
  /** the verification time for certificate validity; default: now. */
  readonly now?: Date;
  /** input limits to apply instead of DEFAULT_LIMITS (limits.ts); unset members keep their default. */
  readonly limits?: Partial<Limits>;
  /**
   * untrusted CA certificates (PEM) offered besides the bundle's to complete a certificate chain, as the OMS
   * reference takes non-root `--certificate_chain` certificates; like the bundle's own intermediates they never end a
   * chain (only TrustPolicy anchors do).
   */
  readonly intermediates?: readonly string[];
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
    const intermediates = (options.intermediates ?? []).map(pemToDer);
    return await verifyRaw(raw, documentDigest, policy, options.now ?? new Date(), resolveLimits(options.limits), intermediates);
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
  intermediates: readonly Buffer[],
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

  const parsed = parseDocument(raw, limits.maxJsonDepth);
  if (!parsed.ok) return rejected(parsed);
  if (parsed.value.kind === 'atlas-manifest') {
    // A standalone Atlas manifest: no envelope, only its claim is signed (atlas/standalone.ts).
    const standalone = verifyStandalone(parsed.value.text, parsed.value.json, policy, limits);
    if (!standalone.ok) return rejected(standalone, { method: 'key', statement: standalone.statement });
    const { signer, statement, atlas } = standalone;
    return {
      status: 'verified',
      documentDigest,
      predicateType: statement.predicateType,
      method: 'key',
      signer,
      statement,
      atlas,
    };
  }
  const doc = readDocument(parsed.value);
  if (!doc.ok) return rejected(doc);
  const claim = readClaim(doc.value.envelope.payload, limits);
  if (!claim.ok) return rejected(claim);
  const claimed = claim.value.ok ? claim.value.value : undefined;
  const { method, result: signer } = await checkSignature(
    doc.value,
    policy,
    now,
    {
      ...(claimed ? { subjectNames: claimed.subjects.map((s) => s.name) } : {}),
      ...(claimed ? { predicateType: claimed.predicateType } : {}),
    },
    intermediates,
  );
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
    ...content.value.predicate,
  };
}

/** Step 1, the document's shape: a bundle or envelope (parsed by the caller) whose payloadType names in-toto JSON. */
function readDocument(doc: SignedDocument): Check<SignedDocument> {
  if (!isInTotoPayloadType(doc.envelope.payloadType)) {
    return fail(
      'UNSUPPORTED_PAYLOAD_TYPE',
      `The DSSE payloadType "${doc.envelope.payloadType.slice(0, 100)}" is not in-toto JSON.`,
    );
  }
  return ok(doc);
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
function checkContent(claim: Check<Statement>): Check<{ statement: Statement; predicate: CheckedPredicate }> {
  if (!claim.ok) return claim;
  const predicate = checkPredicate(claim.value);
  if (!predicate.ok) return predicate;
  return ok({ statement: claim.value, predicate: predicate.value });
}

/**
 * The method a document asks to be verified by (key, certificate or keyless), from its verification material only;
 * undefined when it does not parse. Trusts nothing: `verify-model` uses it to say that a bundle is of another kind
 * than the `--method` asked for, before a verification under the wrong trust material would say something vaguer.
 */
export function documentMethod(bytes: Uint8Array): VerificationMethod | undefined {
  const doc = parseDocument(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return doc.ok ? claimedMethod(doc.value) : undefined;
}

function pemToDer(pem: string): Buffer {
  try {
    return Buffer.from(new X509Certificate(pem).raw);
  } catch (cause) {
    throw new VerifyError('POLICY_MATERIAL_INVALID', 'an offered intermediate is not a PEM certificate', { cause });
  }
}
