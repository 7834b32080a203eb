// OMS v1.0 signature → lineage: the subject is the root digest; every resource is a file (or shard) it contains.
import type { ArtifactFact, ContainsFact } from '../../graph/index.ts';
import type { OmsManifest } from '../../verify/index.ts';
import type { Lineage } from './types.ts';

export function extractOms(oms: OmsManifest): Lineage {
  const root = `${oms.rootDigest.algorithm}:${oms.rootDigest.hex}`;
  const files = new Map<string, ArtifactFact>();
  const contains: ContainsFact[] = [];
  for (const resource of oms.resources) {
    const digest = `${fileAlgorithm(resource.algorithm, oms.serialization.hashType)}:${resource.hex}`;
    files.set(digest, { digest, labels: ['File'] });
    contains.push({
      parent: root,
      child: digest,
      path: resource.path,
      ...(resource.shard ? { start: resource.shard.start, end: resource.shard.end } : {}),
    });
  }
  // OMS signs models and datasets alike: the writer makes the root a Model unless evidence says Dataset.
  return {
    artifacts: [{ digest: root, labels: ['SignedRoot'], ...(oms.name ? { name: oms.name } : {}) }, ...files.values()],
    contains,
    attests: [root],
  };
}

/** Shard digests name their algorithm `sha256-sharded-<size>`; the hash itself is the manifest's hash_type. */
function fileAlgorithm(algorithm: string, hashType: string): string {
  return (algorithm.includes('-sharded-') ? hashType : algorithm).toLowerCase();
}
