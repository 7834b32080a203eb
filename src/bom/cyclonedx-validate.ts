// Validation against the official CycloneDX JSON schemas bundled in @cyclonedx/cyclonedx-library 10
// (bom-1.6 and bom-1.7, with their SPDX-license, JSF and crypto-defs sub-schemas; ajv, offline).
// Validators compile once per version and are reused.
import { Version } from '@cyclonedx/cyclonedx-library/Spec';
import { JsonStrictValidator } from '@cyclonedx/cyclonedx-library/Validation';

export type CycloneDxVersion = '1.6' | '1.7';

/** One ajv error, as the library reports it. */
export interface SchemaError {
  readonly instancePath: string;
  readonly message?: string;
  readonly [key: string]: unknown;
}

const validators = new Map<CycloneDxVersion, JsonStrictValidator>();

/** The schema errors for `document`, or an empty list when it is valid. */
export async function validateCycloneDx(document: object, version: CycloneDxVersion): Promise<SchemaError[]> {
  let validator = validators.get(version);
  if (!validator) {
    validator = new JsonStrictValidator(version === '1.6' ? Version.v1dot6 : Version.v1dot7);
    validators.set(version, validator);
  }
  const errors: unknown = await validator.validate(JSON.stringify(document));
  return errors === null
    ? []
    : Array.isArray(errors)
      ? (errors as SchemaError[])
      : [{ instancePath: '', message: String(errors) }];
}
