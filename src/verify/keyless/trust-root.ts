// Sigstore TrustedRoot (protobuf-specs dev.sigstore.trustroot.v1.TrustedRoot, protobuf-JSON) → trust material.
// The root comes from configuration (a pinned file or a TUF refresh done out of band): nothing here goes online.
// Only protobuf-specs is needed to check a root, so loading a trust policy does not load @sigstore/verify.

import { TrustedRoot } from '@sigstore/protobuf-specs';
import { fail, ok, type Check } from '../check.ts';

/**
 * Parses and checks a TrustedRoot. Absent → NO_TRUST_MATERIAL; a root we cannot use safely → NO_TRUST_MATERIAL too
 * (it is a configuration fault: every keyless verification under it is refused, loudly, rather than half-trusted).
 */
export function parseTrustedRoot(json: unknown): Check<TrustedRoot> {
  if (json === undefined || json === null) {
    return fail('NO_TRUST_MATERIAL', 'no Sigstore trusted root is configured');
  }
  if (typeof json !== 'object' || Array.isArray(json)) {
    return fail('NO_TRUST_MATERIAL', 'the configured Sigstore trusted root is not a JSON object');
  }
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(json);
  } catch (err) {
    return fail('NO_TRUST_MATERIAL', `the configured Sigstore trusted root does not parse: ${String(err)}`);
  }
  const problem = missingValidityStart(root);
  if (problem !== undefined) {
    return fail('NO_TRUST_MATERIAL', `the configured Sigstore trusted root is malformed: ${problem} has no validFor.start`);
  }
  if (root.tlogs.length === 0) {
    return fail('NO_TRUST_MATERIAL', 'the configured Sigstore trusted root lists no transparency log');
  }
  return ok(root);
}

/**
 * SECURITY (sigstore-conformance trust-root-tlog-missing-validity-start_fail): every key or CA in the root
 * must say from when it is trusted. @sigstore/verify reads a missing start as the beginning of time, which would let
 * a log or CA key vouch for entries made before it existed; we refuse such a root instead.
 * (A missing *end* is legitimate: the key is still current.)
 */
function missingValidityStart(root: TrustedRoot): string | undefined {
  for (const [i, log] of root.tlogs.entries()) {
    if (log.publicKey?.validFor?.start === undefined) return `tlogs[${i}].publicKey`;
  }
  for (const [i, log] of root.ctlogs.entries()) {
    if (log.publicKey?.validFor?.start === undefined) return `ctlogs[${i}].publicKey`;
  }
  for (const [i, ca] of root.certificateAuthorities.entries()) {
    if (ca.validFor?.start === undefined) return `certificateAuthorities[${i}]`;
  }
  for (const [i, tsa] of root.timestampAuthorities.entries()) {
    if (tsa.validFor?.start === undefined) return `timestampAuthorities[${i}]`;
  }
  return undefined;
}
