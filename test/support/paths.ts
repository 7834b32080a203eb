// Where tests find the repo and the shared conformance data (../shared beside the repo root).
import { existsSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const SHARED = path.resolve(REPO_ROOT, '../shared');
export const OMS_CONFORMANCE = path.join(SHARED, 'conformance/oms-conformance');
export const SIGSTORE_CONFORMANCE = path.join(SHARED, 'conformance/sigstore-conformance');
export const OMS_SPEC = path.join(SHARED, 'conformance/oms-spec');
export const PUBLIC_GOOD_ROOT = path.join(SHARED, 'conformance/sigstore-public-good-trusted_root.json');

/** Fails loudly instead of letting a suite pass with nothing to run. */
export function requireShared(): void {
  if (!existsSync(OMS_CONFORMANCE)) throw new Error(`conformance data not found at ${SHARED}: clone the repo beside shared/`);
}
