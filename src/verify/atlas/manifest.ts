// An Atlas CLI 0.3.0 manifest (atlas-c2pa-lib 0.1.2 `Manifest`, serialized by serde_json) → AtlasManifest.
// Atlas writes one layout for models, datasets, software and evaluation results: an outer manifest (`instance_id`,
// `title`, `cross_references`, …) around a C2PA claim (`claim`: its own `instance_id`, `created_assertions`,
// `ingredients` with file hashes, `signature`). What the signature covers depends on the form (standalone.ts,
// statement.ts); this file only reads the fields, from the parts the caller says are signed.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';
import { describeIssues } from '../document/zod-issues.ts';
import type { AtlasIngredient, AtlasKind, AtlasLink, AtlasManifest, Digest, RejectionCode } from '../types.ts';
import { manifestHashAlgorithm } from './manifest-digest.ts';

/** Hash lengths in hex of the algorithms Atlas offers (`--hash-alg`). */
const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** CreativeWork `@type` → kind (atlas-cli src/manifest/common.rs, generate_c2pa_assertions). */
const KINDS: Readonly<Record<string, AtlasKind>> = {
  Model: 'model',
  Dataset: 'dataset',
  Software: 'software',
  EvaluationResult: 'evaluation',
};

const ingredientSchema = z.object({
  title: z.string(),
  data: z.object({ url: z.string(), alg: z.string(), hash: z.string() }),
});

const claimSchema = z.object({
  instance_id: z.string().min(1),
  created_assertions: z.array(z.unknown()).max(1000),
  ingredients: z.array(ingredientSchema),
});

const crossReferenceSchema = z.object({ manifest_url: z.string().min(1), manifest_hash: z.string() });

/** The outer manifest: what links name it by, and its cross-references. */
const outerSchema = z.object({
  instance_id: z.string().min(1),
  cross_references: z.array(z.unknown()),
});

const creativeWorkSchema = z.object({ CreativeWork: z.object({ '@type': z.string() }) });
const actionSchema = z.object({
  Action: z.object({ actions: z.array(z.object({ parameters: z.record(z.string(), z.unknown()).nullish() })) }),
});

export interface ManifestParts {
  readonly form: AtlasManifest['form'];
  /** the outer manifest (an object); its claim is `claim`. */
  readonly manifest: unknown;
  /** the signed name of the statement subject (OMS form). */
  readonly subjectName?: string;
  /** how a cross-reference would pin this manifest (standalone form: manifest-digest.ts). */
  readonly manifestDigests: readonly Digest[];
  /** the code a malformed part is refused with: MALFORMED_PREDICATE in a statement, MALFORMED_MANIFEST standalone. */
  readonly code: RejectionCode;
  /** where the manifest sits, for messages (`predicate.`, or empty). */
  readonly where: string;
}

/** Reads a manifest whose signature already verified (or, standalone, whose claim did). */
export function readAtlasManifest(parts: ManifestParts): Check<AtlasManifest> {
  const { code, where } = parts;
  const outer = outerSchema.safeParse(parts.manifest);
  if (!outer.success) return fail(code, `The Atlas manifest is malformed: ${describeIssues(outer.error, where)}.`);
  const claim = claimSchema.safeParse((parts.manifest as { claim?: unknown }).claim);
  if (!claim.success) return fail(code, `The Atlas manifest is malformed: ${describeIssues(claim.error, `${where}claim.`)}.`);
  const assertions = claim.data.created_assertions;
  const types = assertions.flatMap((a) => {
    const cw = creativeWorkSchema.safeParse(a);
    return cw.success ? [cw.data.CreativeWork['@type']] : [];
  });
  const kind = types.length === 1 ? KINDS[types[0] ?? ''] : undefined;
  if (kind === undefined) {
    return fail(
      code,
      `The Atlas claim must carry one CreativeWork assertion of @type Model, Dataset, Software or EvaluationResult (found ${types.length === 0 ? 'none' : types.map((t) => `"${t.slice(0, 40)}"`).join(', ')}).`,
    );
  }
  const ingredients = readIngredients(claim.data.ingredients, code, `${where}claim.ingredients`);
  if (!ingredients.ok) return ingredients;
  const parameters = assertions.flatMap((a) => {
    const action = actionSchema.safeParse(a);
    return action.success ? action.data.Action.actions.flatMap((x) => (x.parameters ? [x.parameters] : [])) : [];
  });
  const param = (key: string): string | undefined => {
    const value = parameters.map((p) => p[key]).find((v) => typeof v === 'string' && v.length > 0);
    return typeof value === 'string' ? value : undefined;
  };
  const links: AtlasLink[] = [];
  const unsignedLinks: AtlasLink[] = [];
  for (const [i, raw] of outer.data.cross_references.entries()) {
    const ref = crossReferenceSchema.safeParse(raw);
    const algorithm = ref.success ? manifestHashAlgorithm(ref.data.manifest_hash) : undefined;
    if (parts.form === 'standalone') {
      // Outside the signature: recorded as found, never trusted, and no reason to refuse the signed claim.
      if (ref.success) unsignedLinks.push(link(ref.data, algorithm));
      continue;
    }
    if (!ref.success)
      return fail(code, `The Atlas manifest is malformed: ${describeIssues(ref.error, `${where}cross_references[${i}].`)}.`);
    if (algorithm === undefined) {
      return fail(code, `${where}cross_references[${i}].manifest_hash is not a hex SHA-256, SHA-384 or SHA-512 digest.`);
    }
    links.push(link(ref.data, algorithm));
  }
  const modelUrn = kind === 'evaluation' ? param('model_id') : undefined;
  const datasetUrn = kind === 'evaluation' ? param('dataset_id') : undefined;
  // The claim names nothing for a model or dataset; software and evaluations repeat --name in their parameters.
  const name = parts.subjectName || (kind === 'software' || kind === 'evaluation' ? param('name') : undefined);
  return ok({
    form: parts.form,
    kind,
    ...(name ? { name } : {}),
    root: ingredients.value.root,
    ingredients: ingredients.value.files,
    urn: outer.data.instance_id,
    links,
    ...(modelUrn && datasetUrn ? { evaluation: { model: { urn: modelUrn }, dataset: { urn: datasetUrn } } } : {}),
    manifestDigests: parts.manifestDigests,
    unsignedLinks,
  });
}

function link(ref: z.infer<typeof crossReferenceSchema>, algorithm: Digest['algorithm'] | undefined): AtlasLink {
  return { urn: ref.manifest_url, ...(algorithm ? { manifestDigest: { algorithm, hex: ref.manifest_hash } } : {}) };
}

type RawIngredient = z.infer<typeof ingredientSchema>;

/**
 * The files and Atlas's identity of them (atlas-cli src/manifest/common.rs, generate_oms_subject_hash): one hash,
 * with the algorithm every ingredient was hashed with, over the raw ingredient digests sorted by lower-cased title
 * (a stable sort of the UTF-8 bytes, as Rust compares Strings).
 */
function readIngredients(
  raw: readonly RawIngredient[],
  code: RejectionCode,
  where: string,
): Check<{ files: AtlasIngredient[]; root: Digest }> {
  if (raw.length === 0) return fail('RESOURCES_EMPTY', `The Atlas claim lists no ingredients (${where}).`);
  const files: AtlasIngredient[] = [];
  for (const [i, ingredient] of raw.entries()) {
    const algorithm = ingredient.data.alg;
    const length = HEX_LENGTH[algorithm];
    if (length === undefined) {
      return fail('UNSUPPORTED_HASH_ALGORITHM', `${where}[${i}] is hashed with "${algorithm.slice(0, 40)}", not sha256/384/512.`);
    }
    const hex = ingredient.data.hash;
    if (hex.length !== length || !/^[0-9a-f]+$/.test(hex)) {
      return fail(code, `${where}[${i}].data.hash is not a lower-case hex ${algorithm} digest.`);
    }
    const url = ingredient.data.url;
    files.push({ title: ingredient.title, path: url.startsWith('file://') ? url.slice(7) : url, digest: { algorithm, hex } });
  }
  const algorithms = new Set(files.map((f) => f.digest.algorithm));
  const [algorithm] = algorithms;
  if (algorithm === undefined || algorithms.size > 1) {
    return fail(code, `The Atlas ingredients mix hash algorithms (${[...algorithms].join(', ')}); Atlas hashes them all alike.`);
  }
  const sorted = [...files].sort((a, b) =>
    Buffer.compare(Buffer.from(a.title.toLowerCase(), 'utf8'), Buffer.from(b.title.toLowerCase(), 'utf8')),
  );
  const root = createHash(algorithm)
    .update(Buffer.from(sorted.map((f) => f.digest.hex).join(''), 'hex'))
    .digest('hex');
  return ok({ files, root: { algorithm, hex: root } });
}
