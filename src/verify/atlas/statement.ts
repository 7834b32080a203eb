// Atlas CLI's "OMS" output (`model create --format oms`, atlas-cli src/manifest/common.rs create_oms_manifest): an
// in-toto Statement v1 whose predicate is the whole manifest (C2PA 2.2 as Atlas writes it, predicateType the C2PA
// specification URL, not OpenSSF model signing) and whose one subject is the model, named by --name, with Atlas's
// hash over its ingredients. The statement is signed, so here everything in the manifest is: its instance_id and
// its cross-references included.

import { fail } from '../check.ts';
import type { Check } from '../check.ts';
import { STATEMENT_V1 } from '../document/statement.ts';
import type { AtlasManifest, Statement } from '../types.ts';
import { readAtlasManifest } from './manifest.ts';

/** The predicateType Atlas CLI 0.3.0 gives its manifests: the C2PA 2.2 specification's URL. */
export const C2PA_PREDICATE = 'https://spec.c2pa.org/specifications/specifications/2.2';

/** Checks an Atlas statement whose signature already verified and reads its manifest. */
export function parseAtlasStatement(statement: Statement): Check<AtlasManifest> {
  if (statement.type !== STATEMENT_V1) {
    return fail(
      'UNSUPPORTED_STATEMENT_TYPE',
      `An Atlas manifest statement must be an in-toto Statement v1, not "${statement.type}".`,
    );
  }
  if (statement.subjects.length !== 1) {
    return fail(
      'MULTIPLE_SUBJECTS',
      `An Atlas manifest statement has exactly one subject, this one has ${statement.subjects.length}.`,
    );
  }
  const subject = statement.subjects[0];
  if (subject === undefined) return fail('NO_SUBJECT', 'The Atlas manifest statement has no subject.');
  const manifest = readAtlasManifest({
    form: 'oms',
    manifest: statement.predicate,
    subjectName: subject.name,
    manifestDigests: [],
    code: 'MALFORMED_PREDICATE',
    where: 'predicate.',
  });
  if (!manifest.ok) return manifest;
  const { root } = manifest.value;
  // SECURITY: the subject is what the graph links; it must be Atlas's hash of exactly the signed ingredients.
  const claimed = subject.digest[root.algorithm];
  if (claimed !== root.hex) {
    return fail(
      'ROOT_DIGEST_MISMATCH',
      `The Atlas subject digest ${root.algorithm}:${claimed ?? '(none)'} does not match the ingredients, which hash to ${root.algorithm}:${root.hex}.`,
    );
  }
  return manifest;
}
