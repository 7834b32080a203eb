// CycloneDX BOM as an in-toto predicate (https://cyclonedx.org/bom, CycloneDX 1.5–1.7) → lineage:
// model and dataset cards become the card's DESCRIBES edges (its fields, per card), `data` components with
// their own hash become TRAINED_ON edges of a model subject, libraries and frameworks with a purl BUILT_WITH edges.
import { z } from 'zod';
import type { ArtifactFact, CardFact, CardField, EdgeFact, PackageFact } from '../../graph/index.ts';
import type { Statement } from '../../verify/index.ts';
import { identityDigest, purlOf, purlParts, signedTime, zodMessage } from './descriptor.ts';
import { referenceOf } from './reference.ts';
import type { Extracted } from './types.ts';

const ALGORITHMS: Record<string, string> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'BLAKE2b-512': 'blake2b',
  BLAKE3: 'blake3',
};

const componentSchema = z.object({
  type: z.string(),
  name: z.string().optional(),
  version: z.string().optional(),
  purl: z.string().optional(),
  hashes: z.array(z.object({ alg: z.string(), content: z.string() })).optional(),
  licenses: z
    .array(z.object({ license: z.object({ id: z.string().optional(), name: z.string().optional() }).optional() }))
    .optional(),
  modelCard: z.unknown().optional(),
  data: z
    .array(
      z.object({
        type: z.string().optional(),
        contents: z.object({ url: z.string().optional() }).optional(),
        sensitiveData: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  externalReferences: z.array(z.object({ type: z.string(), url: z.string() })).optional(),
});
type Component = z.infer<typeof componentSchema>;

const bomSchema = z.object({
  bomFormat: z.literal('CycloneDX'),
  metadata: z.object({ timestamp: z.string().optional(), component: componentSchema.optional() }).optional(),
  components: z.array(componentSchema).max(10_000).default([]),
});

export function extractCycloneDx(statement: Statement): Extracted {
  const parsed = bomSchema.safeParse(statement.predicate);
  if (!parsed.success) return { ok: false, message: `CycloneDX predicate: ${zodMessage(parsed.error)}` };
  const components = [...(parsed.data.metadata?.component ? [parsed.data.metadata.component] : []), ...parsed.data.components];
  const artifacts: ArtifactFact[] = [];
  const cards: CardFact[] = [];
  const edges: EdgeFact[] = [];
  const packages: PackageFact[] = [];
  const attests: string[] = [];
  const issuedAt = signedTime(parsed.data.metadata?.timestamp);
  const bind = (component: Component, digest: string): void => {
    const reference = referenceOf({ uri: component.purl });
    if (!reference) return;
    artifacts.push({ digest: reference.key, labels: [], name: reference.name });
    edges.push(
      { type: 'SAME_AS', from: { kind: 'artifact', digest: reference.key }, to: { kind: 'artifact', digest }, props: {} },
      { type: 'SAME_AS', from: { kind: 'artifact', digest }, to: { kind: 'artifact', digest: reference.key }, props: {} },
    );
  };
  for (const subject of statement.subjects) {
    const digest = identityDigest(subject.digest);
    if (!digest) return { ok: false, message: `subject "${subject.name}" has no usable digest` };
    attests.push(digest);
    const own = components.find((c) => componentDigest(c) === digest) ?? parsed.data.metadata?.component;
    const isDataset = own?.type === 'data';
    artifacts.push({
      digest,
      labels: own ? [isDataset ? 'Dataset' : 'Model'] : [],
      ...(subject.name ? { name: subject.name } : {}),
    });
    if (own) cards.push({ digest, fields: cardFields(own), own: true, ...(issuedAt ? { issuedAt } : {}) });
    // A card naming the artifact both by its Hugging Face purl and by its hash binds the two (docs/LINEAGE.md, "Names").
    if (own) bind(own, digest);
    for (const component of components) {
      if (component === own) continue;
      const purl = purlOf(component.purl);
      if ((component.type === 'library' || component.type === 'framework') && purl) {
        packages.push({ purl, ...purlParts(purl), digests: [] });
        edges.push({ type: 'BUILT_WITH', from: { kind: 'artifact', digest }, to: { kind: 'package', purl }, props: {} });
      }
      const other = componentDigest(component);
      if (component.type === 'data' && other && !isDataset) {
        artifacts.push({
          digest: other,
          labels: ['Dataset'],
          rank: 'usage',
          ...(component.name ? { name: component.name } : {}),
        });
        cards.push({ digest: other, fields: cardFields(component), own: false, ...(issuedAt ? { issuedAt } : {}) });
        bind(component, other);
        edges.push({
          type: 'TRAINED_ON',
          from: { kind: 'artifact', digest },
          to: { kind: 'artifact', digest: other },
          props: {},
        });
      }
    }
  }
  return { ok: true, lineage: { artifacts, contains: [], attests, cards, edges, packages } };
}

function componentDigest(component: Component): string | null {
  const set: Record<string, string> = {};
  for (const hash of component.hashes ?? []) {
    const algorithm = ALGORITHMS[hash.alg];
    if (algorithm) set[algorithm] = hash.content;
  }
  return identityDigest(set);
}

function cardFields(component: Component): Partial<Record<CardField, string>> {
  const out: Partial<Record<CardField, string>> = {};
  if (component.name) out.name = component.name;
  if (component.version) out.version = component.version;
  const license = component.licenses?.map((l) => l.license?.id ?? l.license?.name).find((l) => l !== undefined);
  if (license) out.license = license;
  const source = component.data?.[0]?.contents?.url ?? component.externalReferences?.find((r) => r.type === 'distribution')?.url;
  if (source) out.sourceUrl = source;
  if (component.data?.[0]?.type) out.datasetType = component.data[0].type;
  const sensitive = component.data?.flatMap((d) => d.sensitiveData ?? []) ?? [];
  if (sensitive.length > 0) out.sensitiveData = sensitive.join('; ');
  if (component.modelCard !== undefined) out.modelCard = JSON.stringify(component.modelCard);
  return out;
}
