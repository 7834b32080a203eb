// Deploy policies that follow their file, as the trust policy does (docs/TRUST-POLICY.md, "Reloading"): `current()`
// re-reads the file when its stat (mtime, ctime, size, inode) changed, checked at most every `checkIntervalMs`.
// Failing closed: after a bad edit `current()` throws, so no decision is made under a stale policy.
import { statSync } from 'node:fs';
import path from 'node:path';
import { readDeployPolicies, type DeployPolicies } from './deploy-policy.ts';

function stamp(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.mtimeNs}:${s.ctimeNs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

export class DeployPolicyStore {
  readonly path: string;
  readonly #interval: number;
  #policies: DeployPolicies | undefined;
  #stamp = '';
  #checkedAt = Number.NEGATIVE_INFINITY;

  constructor(file: string, options: { readonly checkIntervalMs?: number } = {}) {
    this.path = path.resolve(file);
    this.#interval = options.checkIntervalMs ?? 0;
  }

  /** The policies in force; throws GateError (POLICY_UNREADABLE / POLICY_INVALID) while the file is missing or bad. */
  current(): DeployPolicies {
    const now = Date.now();
    if (this.#policies !== undefined && now - this.#checkedAt < this.#interval) return this.#policies;
    this.#checkedAt = now;
    const seen = stamp(this.path);
    if (this.#policies !== undefined && seen === this.#stamp) return this.#policies;
    this.#policies = undefined;
    // stamped before reading: an edit racing with the read is seen as a change next time
    const policies = readDeployPolicies(this.path);
    this.#stamp = seen;
    this.#policies = policies;
    return policies;
  }
}
