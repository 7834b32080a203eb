// Atlas CLI manifests (C2PA 2.2 as atlas-cli 0.3.0 writes it; verified by src/verify/atlas/) → lineage
// (docs/LINEAGE.md, "Atlas CLI"): the subject is Atlas's hash of the manifest's files, labelled by the manifest's
// kind (model, dataset; software and evaluation results stay plain artifacts); each file is a File it CONTAINS.
// Links are not edges yet: Atlas names manifests, not artifacts, so they go to the graph as AtlasFacts and the write
// transaction resolves them (src/graph/write/atlas.ts). Only signed links are passed on: an OMS-form manifest's
// cross-references and an evaluation's model and dataset ids; a standalone manifest's cross-references never are.
import type { ArtifactFact, ArtifactLabel, AtlasFacts, ContainsFact } from '../../graph/index.ts';
import type { AtlasManifest, Digest } from '../../verify/index.ts';
import type { Lineage } from './types.ts';

const LABELS: Readonly<Record<AtlasManifest['kind'], readonly ArtifactLabel[]>> = {
  model: ['Model'],
  dataset: ['Dataset'],
  software: [],
  evaluation: [],
};

const digestString = (d: Digest): string => `${d.algorithm}:${d.hex}`;

export function extractAtlas(manifest: AtlasManifest): Lineage {
  const root = digestString(manifest.root);
  const files = new Map<string, ArtifactFact>();
  const contains: ContainsFact[] = [];
  for (const file of manifest.ingredients) {
    const digest = digestString(file.digest);
    files.set(digest, { digest, labels: ['File'] });
    contains.push({ parent: root, child: digest, path: file.path || file.title });
  }
  const atlas: AtlasFacts = {
    manifest: {
      urn: manifest.urn,
      urnSigned: manifest.form === 'oms',
      digests: manifest.manifestDigests.map(digestString),
      subject: root,
      kind: manifest.kind,
    },
    references: manifest.links.flatMap((link) =>
      link.manifestDigest ? [{ urn: link.urn, digest: digestString(link.manifestDigest) }] : [],
    ),
    ...(manifest.evaluation
      ? { evaluation: { modelUrn: manifest.evaluation.model.urn, datasetUrn: manifest.evaluation.dataset.urn } }
      : {}),
    // kept on the attestation for the record (docs/LINEAGE.md, "Atlas CLI", rule 5)
    unsignedLinks: manifest.unsignedLinks.map((link) => link.urn),
  };
  return {
    artifacts: [
      { digest: root, labels: LABELS[manifest.kind], ...(manifest.name ? { name: manifest.name } : {}) },
      ...files.values(),
    ],
    contains,
    attests: [root],
    atlas,
  };
}
