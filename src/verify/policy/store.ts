// A trust policy that follows its file: `current()` re-reads the policy when the policy file, or any key,
// certificate or trusted-root file it names, has changed since the last load — no restart needed.
// Change detection is a stat on use (mtime, ctime, size, inode), which also sees atomic replace-by-rename,
// unlike fs.watch on some file systems.

import { statSync } from 'node:fs';
import path from 'node:path';
import { readTrustPolicy } from './policy.ts';
import type { TrustPolicy } from '../types.ts';

export interface TrustPolicyStoreOptions {
  /** minimum time between stat checks, in ms (default 0: check on every use). */
  readonly checkIntervalMs?: number;
  /** clock, for tests. */
  readonly clock?: () => number;
}

type Stamp = string;

function stamp(file: string): Stamp {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.mtimeNs}:${s.ctimeNs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

export class TrustPolicyStore {
  readonly path: string;
  readonly #interval: number;
  readonly #clock: () => number;
  #policy: TrustPolicy | undefined;
  #stamps = new Map<string, Stamp>();
  #checkedAt = Number.NEGATIVE_INFINITY;
  #loads = 0;

  constructor(policyPath: string, options: TrustPolicyStoreOptions = {}) {
    this.path = path.resolve(policyPath);
    this.#interval = options.checkIntervalMs ?? 0;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * The policy in force now. Throws VerifyError (POLICY_UNREADABLE / POLICY_INVALID) when the file is missing
   * or invalid — also after a bad edit: failing closed means a botched edit that was meant to revoke a key
   * never leaves the old, still-trusting policy in force.
   */
  current(): TrustPolicy {
    const now = this.#clock();
    if (this.#policy !== undefined && now - this.#checkedAt < this.#interval) return this.#policy;
    this.#checkedAt = now;
    if (this.#policy !== undefined && !this.#changed()) return this.#policy;
    this.#policy = undefined;
    // stamp before reading: an edit racing with the read is seen as a change on the next use
    const before = new Map<string, Stamp>([[this.path, stamp(this.path)]]);
    const loaded = readTrustPolicy(this.path);
    this.#stamps = new Map(loaded.files.map((f) => [f, before.get(f) ?? stamp(f)]));
    this.#policy = loaded.policy;
    this.#loads++;
    return loaded.policy;
  }

  /** How many times the file was (re)loaded; for health reporting and tests. */
  get loads(): number {
    return this.#loads;
  }

  #changed(): boolean {
    for (const [file, seen] of this.#stamps) if (stamp(file) !== seen) return true;
    return false;
  }
}
