// Maps errors thrown by @sigstore/verify (and the parsers under it) to our RejectionCodes.
// @sigstore/verify signals every failed check with a VerificationError/PolicyError carrying a literal `code`
// (packages/verify/src/error.ts in sigstore-js); we translate the code, never the message.

import { fail, type Failure } from '../check.ts';
import type { RejectionCode } from '../types.ts';

const SIGSTORE_CODES: Readonly<Record<string, RejectionCode>> = {
  // the signature over the PAE / artifact does not verify under the signing key
  SIGNATURE_ERROR: 'SIGNATURE_INVALID',
  // Fulcio chain, certificate validity at the signing time, or SCT (CT log) verification
  CERTIFICATE_ERROR: 'CERTIFICATE_CHAIN_INVALID',
  // managed key not found or not valid at the signing time
  PUBLIC_KEY_ERROR: 'UNTRUSTED_KEY',
  // RFC 3161 timestamps: untrusted TSA, bad signature, too few timestamps
  TIMESTAMP_ERROR: 'TIMESTAMP_INVALID',
  // transparency log: entry body, SET, inclusion proof, checkpoint, threshold
  TLOG_ERROR: 'TLOG_INVALID',
  TLOG_BODY_ERROR: 'TLOG_INVALID',
  TLOG_INCLUSION_PROMISE_ERROR: 'TLOG_INVALID',
  TLOG_INCLUSION_PROOF_ERROR: 'TLOG_INVALID',
  TLOG_MISSING_INCLUSION_ERROR: 'TLOG_INVALID',
  // identity policy (we apply our own policy, but map it in case the library's is used)
  UNTRUSTED_SIGNER_ERROR: 'IDENTITY_MISMATCH',
};

/**
 * Turns anything thrown while parsing or verifying a bundle into a Failure.
 * Errors without a known code come from parsing attacker-controlled bytes (ASN.1, base64, protobuf-JSON)
 * inside the library, so they are treated as a malformed bundle rather than an infrastructure fault.
 */
export function failureFromError(err: unknown): Failure {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const mapped = code === undefined ? undefined : SIGSTORE_CODES[code];
  if (mapped) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return fail(mapped, `${code}: ${message}${cause}`);
  }
  return fail('MALFORMED_BUNDLE', `bundle could not be processed: ${message}`);
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') {
    return err.code;
  }
  return undefined;
}
