// SPDX 3.0.1 JSON-LD as an in-toto predicate (https://spdx.dev/Document/v3) → lineage: AIPackage and
// DatasetPackage elements describe the subject (the card's DESCRIBES edges), `trainedOn` relationships
// become TRAINED_ON edges, software packages with a purl BUILT_WITH edges (docs/LINEAGE.md).
import { z } from 'zod';
import type { ArtifactFact, CardFact, CardField, EdgeFact, PackageFact } from '../../graph/index.ts';
import type { Statement } from '../../verify/index.ts';
import { identityDigest, purlOf, purlParts, signedTime, zodMessage } from './descriptor.ts';
import type { Extracted } from './types.ts';

const elementSchema = z.object({
  type: z.string(),
  spdxId: z.string().optional(),
  '@id': z.string().optional(),
  // CreationInfo: when the document (or element) was created; elements name theirs in creationInfo.
  created: z.string().optional(),
  creationInfo: z.string().optional(),
  name: z.string().optional(),
  software_packageVersion: z.string().optional(),
  software_packageUrl: z.string().optional(),
  software_downloadLocation: z.string().optional(),
  dataset_datasetType: z.array(z.string()).optional(),
  verifiedUsing: z
    .array(z.object({ type: z.string(), algorithm: z.string().optional(), hashValue: z.string().optional() }))
    .optional(),
  relationshipType: z.string().optional(),
  from: z.string().optional(),
  to: z.array(z.string()).optional(),
});
type Element = z.infer<typeof elementSchema>;

const documentSchema = z.object({ '@graph': z.array(elementSchema).max(20_000) });

export function extractSpdx(statement: Statement): Extracted {
  const parsed = documentSchema.safeParse(statement.predicate);
  if (!parsed.success) return { ok: false, message: `SPDX 3 predicate: ${zodMessage(parsed.error)}` };
  const elements = parsed.data['@graph'];
  const byId = new Map(elements.filter((e) => e.spdxId).map((e) => [e.spdxId as string, e]));
  const artifacts: ArtifactFact[] = [];
  const cards: CardFact[] = [];
  const edges: EdgeFact[] = [];
  const packages: PackageFact[] = [];
  const attests: string[] = [];
  for (const subject of statement.subjects) {
    const digest = identityDigest(subject.digest);
    if (!digest) return { ok: false, message: `subject "${subject.name}" has no usable digest` };
    attests.push(digest);
    const own = elements.find((e) => isPackage(e) && elementDigest(e) === digest) ?? singleAiPackage(elements);
    const isDataset = own?.type === 'dataset_DatasetPackage';
    artifacts.push({
      digest,
      labels: own ? [isDataset ? 'Dataset' : 'Model'] : [],
      ...(subject.name ? { name: subject.name } : {}),
    });
    if (own) cards.push({ digest, fields: elementFields(own), own: true, ...issued(own, elements) });
    for (const relation of elements.filter((e) => e.type === 'Relationship' && e.relationshipType === 'trainedOn')) {
      if (!own || relation.from !== own.spdxId) continue;
      for (const target of relation.to ?? []) {
        const dataset = byId.get(target);
        const datasetDigest = dataset ? elementDigest(dataset) : null;
        if (!dataset || !datasetDigest) continue;
        artifacts.push({
          digest: datasetDigest,
          labels: ['Dataset'],
          rank: 'usage',
          ...(dataset.name ? { name: dataset.name } : {}),
        });
        cards.push({ digest: datasetDigest, fields: elementFields(dataset), own: false, ...issued(dataset, elements) });
        edges.push({
          type: 'TRAINED_ON',
          from: { kind: 'artifact', digest },
          to: { kind: 'artifact', digest: datasetDigest },
          props: {},
        });
      }
    }
    for (const element of elements.filter((e) => e.type === 'software_Package')) {
      const purl = purlOf(element.software_packageUrl);
      if (!purl) continue;
      packages.push({ purl, ...purlParts(purl), digests: [] });
      edges.push({ type: 'BUILT_WITH', from: { kind: 'artifact', digest }, to: { kind: 'package', purl }, props: {} });
    }
  }
  return { ok: true, lineage: { artifacts, contains: [], attests, cards, edges, packages } };
}

/** The creation time of the CreationInfo the element names (else the document's only one), as a card's issuedAt. */
function issued(element: Element, elements: readonly Element[]): { issuedAt?: string } {
  const infos = elements.filter((e) => e.type === 'CreationInfo');
  const info =
    infos.find((e) => e['@id'] !== undefined && e['@id'] === element.creationInfo) ?? (infos.length === 1 ? infos[0] : undefined);
  const issuedAt = signedTime(info?.created);
  return issuedAt ? { issuedAt } : {};
}

function isPackage(element: Element): boolean {
  return element.type === 'ai_AIPackage' || element.type === 'dataset_DatasetPackage';
}

function singleAiPackage(elements: readonly Element[]): Element | undefined {
  const ai = elements.filter((e) => e.type === 'ai_AIPackage');
  return ai.length === 1 ? ai[0] : undefined;
}

function elementDigest(element: Element): string | null {
  const set: Record<string, string> = {};
  for (const hash of element.verifiedUsing ?? []) {
    if (hash.type === 'Hash' && hash.algorithm && hash.hashValue)
      set[hash.algorithm.replace('blake2b512', 'blake2b')] = hash.hashValue;
  }
  return identityDigest(set);
}

function elementFields(element: Element): Partial<Record<CardField, string>> {
  const out: Partial<Record<CardField, string>> = {};
  if (element.name) out.name = element.name;
  if (element.software_packageVersion) out.version = element.software_packageVersion;
  if (element.software_downloadLocation) out.sourceUrl = element.software_downloadLocation;
  if (element.dataset_datasetType?.length) out.datasetType = element.dataset_datasetType.join(', ');
  return out;
}
