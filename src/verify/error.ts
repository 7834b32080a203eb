// The one error class of src/verify. It is for faults, never for bad evidence: a document that fails verification
// is a Rejected result (stored in the graph with its code), while an unreadable trust-policy file or a bug is a
// VerifyError (the caller cannot go on).
import { CodedError } from '../coded-error.ts';

export type VerifyErrorCode =
  /** the trust-policy file (or a file it names) cannot be read. */
  | 'POLICY_UNREADABLE'
  /** the trust-policy file was read but is not a valid policy; the message names each bad key. */
  | 'POLICY_INVALID'
  /** a caller-built TrustPolicy holds a key or anchor that does not parse. */
  | 'POLICY_MATERIAL_INVALID'
  /** an unexpected exception inside the verifier: a bug, reported rather than turned into a verdict. */
  | 'INTERNAL';

export class VerifyError extends CodedError<VerifyErrorCode> {}
