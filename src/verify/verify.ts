// verifyDocument: submitted bytes → VerificationResult. Order (DSSE protocol.md "Verification"):
//   1. parse the bundle / envelope shape;  2. payloadType names in-toto JSON;
//   3. verify the signature by key, certificate or keyless;  4. only then trust the statement and its predicate.
// A standalone Atlas manifest has no envelope and follows the same order in atlas/standalone.ts.
// The statement is decoded before step 3 solely to learn the subject names that trust-entry scopes apply to; the
// signature covers those bytes, so after step 3 the names are authentic. Input limits (document/limits.ts) are the exception
// to "signature first": an over-limit document is refused as soon as the limit is seen, whoever signed it.

import { X509Certificate } from 'node:crypto';
import { VerifyError } from './error.ts';
import { parseDocument } from './document/bundle.ts';
import { sha256Hex } from './document/encoding.ts';
import { isInTotoPayloadType } from './document/envelope.ts';
import { checkPredicate } from './document/predicates.ts';
import { resolveLimits } from './document/limits.ts';
import type { Limits } from './document/limits.ts';
import { checkSignature, claimedMethod } from './signers/signature.ts';
import { decodeStatement } from './document/statement.ts';
import { checkStatementLimits } from './document/statement-limits.ts';
import { verifyStandalone } from './atlas/standalone.ts';
import type { Rejected, RejectionCode, Statement, TrustPolicy, VerificationMethod, VerificationResult } from './types.ts';

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

async function verifyRaw(
  raw: Buffer,
  documentDigest: string,
  policy: TrustPolicy,
  now: Date,
  limits: Limits,
  intermediates: readonly Buffer[],
): Promise<VerificationResult> {
  const rejected = (
    code: RejectionCode,
    message: string,
    extra: { method?: VerificationMethod; statement?: Statement } = {},
  ): Rejected => ({
    status: 'rejected',
    documentDigest,
    code,
    message,
    ...(extra.statement ? { predicateType: extra.statement.predicateType, statement: extra.statement } : {}),
    ...(extra.method ? { method: extra.method } : {}),
  });

  const doc = parseDocument(raw, limits.maxJsonDepth);
  if (!doc.ok) return rejected(doc.code, doc.message);
  if (doc.value.kind === 'atlas-manifest') {
    // A standalone Atlas manifest: no envelope, only its claim is signed (atlas/standalone.ts).
    const standalone = verifyStandalone(doc.value.text, doc.value.json, policy, limits);
    if (!standalone.ok) {
      const { code, message, statement } = standalone;
      return rejected(code, message, { method: 'key', ...(statement ? { statement } : {}) });
    }
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
  const { envelope } = doc.value;
  if (!isInTotoPayloadType(envelope.payloadType)) {
    return rejected(
      'UNSUPPORTED_PAYLOAD_TYPE',
      `The DSSE payloadType "${envelope.payloadType.slice(0, 100)}" is not in-toto JSON.`,
    );
  }
  const claimed = decodeStatement(envelope.payload, limits.maxJsonDepth);
  if (!claimed.ok && claimed.code === 'LIMIT_EXCEEDED') return rejected(claimed.code, claimed.message);
  const claimedStatement = claimed.ok ? claimed.value : undefined;
  if (claimedStatement) {
    const size = checkStatementLimits(claimedStatement, limits);
    // The over-limit statement is not attached: recording its thousands of subjects is the cost being refused.
    if (!size.ok) return rejected(size.code, size.message);
  }
  const { method, result: signed } = await checkSignature(
    doc.value,
    policy,
    now,
    {
      ...(claimedStatement ? { subjectNames: claimedStatement.subjects.map((s) => s.name) } : {}),
      ...(claimedStatement ? { predicateType: claimedStatement.predicateType } : {}),
    },
    intermediates,
  );
  // SECURITY: nothing from an unverified document is returned as trusted; the claimed statement rides along on
  // the rejection only as a record (types.ts Rejected.statement).
  if (!signed.ok)
    return rejected(signed.code, signed.message, { method, ...(claimedStatement ? { statement: claimedStatement } : {}) });
  if (!claimed.ok) return rejected(claimed.code, claimed.message, { method });
  const statement = claimed.value;

  const predicate = checkPredicate(statement);
  if (!predicate.ok) return rejected(predicate.code, predicate.message, { method, statement });
  return {
    status: 'verified',
    documentDigest,
    predicateType: statement.predicateType,
    method,
    signer: signed.value,
    statement,
    ...predicate.value,
  };
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
