// The SPDX 3.0.1 JSON Schema (test/fixtures/spdx, from the SPDX project's tools-java: scripts/fixtures/spdx-schema.sh)
// compiled once with ajv's 2020-12 dialect: the tests hold every SPDX AI-BOM they export to it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { REPO_ROOT } from './paths.ts';

export const SPDX_SCHEMA_FILE = path.join(REPO_ROOT, 'test/fixtures/spdx/spdx-json-schema-3.0.1.json');

let validate: ValidateFunction | undefined;

/** The schema errors of an SPDX 3.0.1 JSON-LD document, as `path message` lines; [] when valid. */
export function spdxSchemaErrors(document: unknown): string[] {
  // not ajv's strict mode: the generated schema uses keywords beside $ref and unknown formats that strict mode refuses
  validate ??= new Ajv2020({ allErrors: true, strict: false }).compile(
    JSON.parse(readFileSync(SPDX_SCHEMA_FILE, 'utf8')) as object,
  );
  return validate(document)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
}
