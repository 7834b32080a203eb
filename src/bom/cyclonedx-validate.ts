// Validation against the official CycloneDX JSON schemas bundled in @cyclonedx/cyclonedx-library 10 (bom-1.6 and
// bom-1.7, with their SPDX-license, JSF and crypto-defs sub-schemas), compiled with ajv the way the library's own
// validator does (same options and formats), offline, once per version.
// One difference, for speed only: the schemas mark 47 arrays `uniqueItems` (components, dependencies, dependsOn, …),
// and ajv checks that by comparing every pair of items with a deep equality — quadratic: a BOM with 10,000 packages
// took 17 s, blocking everything else. Here the same rule is checked in one pass: each item is written as canonical
// JSON (keys sorted) and looked up in a set; two items are duplicates exactly when deep equality says so.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
/** ajv-formats-draft2019 ships no types. */
const addDraft2019Formats = require('ajv-formats-draft2019') as (ajv: Ajv, options: { formats: string[] }) => Ajv;

export type CycloneDxVersion = '1.6' | '1.7';

/** One ajv error. */
export interface SchemaError {
  readonly instancePath: string;
  readonly message?: string;
  readonly [key: string]: unknown;
}

const SCHEMA_DIR = path.join(path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res/schema');
/** The ids the bom schemas refer to their sub-schemas by, and the bundled files. */
const SUB_SCHEMAS: Readonly<Record<string, string>> = {
  'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json': 'spdx.SNAPSHOT.schema.json',
  'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json': 'cryptography-defs.SNAPSHOT.schema.json',
  'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json': 'jsf-0.82.SNAPSHOT.schema.json',
};
const UNIQUE = 'uniqueItemsByValue';

const validators = new Map<CycloneDxVersion, ValidateFunction>();

/** The schema errors for `document`, or an empty list when it is valid. */
export async function validateCycloneDx(document: object, version: CycloneDxVersion): Promise<SchemaError[]> {
  await Promise.resolve();
  return validateCycloneDxSync(document, version);
}

export function validateCycloneDxSync(document: object, version: CycloneDxVersion): SchemaError[] {
  let validate = validators.get(version);
  if (!validate) {
    validate = compile(version);
    validators.set(version, validate);
  }
  return validate(document) ? [] : (validate.errors ?? []).map((error) => ({ ...error }));
}

function compile(version: CycloneDxVersion): ValidateFunction {
  const read = (file: string): unknown => withLinearUniqueness(JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), 'utf8')));
  const schemas = Object.fromEntries(Object.entries(SUB_SCHEMAS).map(([id, file]) => [id, read(file)]));
  const ajv = new Ajv({
    useDefaults: false,
    strict: false,
    strictSchema: false,
    addUsedSchema: false,
    schemas: schemas as Record<string, object>,
    loadSchema: (uri) => Promise.reject(new Error(`remote schemas are disabled: ${uri}`)),
  });
  addFormats.default(ajv);
  addDraft2019Formats(ajv, { formats: ['idn-email'] });
  ajv.addFormat('iri-reference', true);
  ajv.addKeyword({
    keyword: UNIQUE,
    type: 'array',
    schemaType: 'boolean',
    errors: true,
    validate: function unique(this: unknown, enabled: boolean, data: unknown[]): boolean {
      const self = unique as { errors?: Partial<ErrorObject>[] };
      self.errors = [];
      if (!enabled) return true;
      const seen = new Map<string, number>();
      for (let i = 0; i < data.length; i++) {
        const key = canonical(data[i]);
        const first = seen.get(key);
        if (first !== undefined) {
          self.errors = [
            {
              keyword: 'uniqueItems',
              message: `must NOT have duplicate items (items ## ${first} and ${i} are identical)`,
              params: { i: first, j: i },
            },
          ];
          return false;
        }
        seen.set(key, i);
      }
      return true;
    },
  });
  return ajv.compile(read(`bom-${version}.SNAPSHOT.schema.json`) as object);
}

/** The schema with each `uniqueItems: true` replaced by the linear keyword above. */
function withLinearUniqueness(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withLinearUniqueness);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) =>
      key === 'uniqueItems' && value === true ? [UNIQUE, true] : [key, withLinearUniqueness(value)],
    ),
  );
}

/** JSON with object keys sorted: equal strings exactly for deeply equal JSON values. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}
