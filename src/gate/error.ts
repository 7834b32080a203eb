// The one error class of src/gate: faults and refused input, never a decision (a deny is an answer, with reasons).
import type { z } from 'zod';
import { CodedError } from '../coded-error.ts';

export type GateErrorCode =
  /** the deploy-policy file cannot be read. */
  | 'POLICY_UNREADABLE'
  /** the deploy-policy file is not a valid policy file; the message names each bad member. */
  | 'POLICY_INVALID'
  /** a request names a deploy policy the file does not define. */
  | 'UNKNOWN_POLICY'
  /** a request body (incident, decision, AdmissionReview) does not have the documented shape. */
  | 'INVALID_INPUT'
  /** no incident with that id. */
  | 'NOT_FOUND';

export class GateError extends CodedError<GateErrorCode> {}

/** Every bad member of a zod failure in one sentence: `policies.prod.licenses (expected array), x (unrecognized key)`. */
export function describeIssues(error: z.ZodError, limit = 8): string {
  const parts = error.issues.slice(0, limit).map((issue) => {
    const path = issue.path
      .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
      .join('')
      .replace(/^\./, '');
    return `${path === '' ? '(body)' : path} (${issue.message})`;
  });
  return parts.join(', ') + (error.issues.length > limit ? `, and ${error.issues.length - limit} more` : '');
}
