// The OMS v1.0 specification's own JSON Schemas (ossf/model-signing-spec schemas/v1.0, in ../shared/conformance/oms-spec)
// compiled with ajv's 2020-12 dialect, so tests can hold the OMS statements they produce and accept to the spec.
//
// The schemas are stricter than a verifier may be: the predicate forbids unknown fields, while the spec tells
// verifiers to ignore them (spec §5.2.1), so the verifier never uses these schemas as a gate (docs/VERIFICATION.md).
// Tests use them to check that what they make is what the spec describes, and that the verifier agrees with the
// schema wherever the spec does not ask it to be lenient.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { OMS_SPEC } from './paths.ts';

export const OMS_SCHEMAS = path.join(OMS_SPEC, 'schemas/v1.0');
export const OMS_VECTORS = path.join(OMS_SPEC, 'test-vectors/v1.0');
export const OMS_STATEMENT_ID = 'https://model_signing/statement/v1.0/schema';
export const OMS_BUNDLE_ID = 'https://model_signing/bundle/v1.0/schema';

let compiled: { statement: ValidateFunction; bundle: ValidateFunction } | undefined;

function validators(): { statement: ValidateFunction; bundle: ValidateFunction } {
  if (compiled) return compiled;
  // not ajv's strict mode: the spec's schemas use `required` in an if/then without restating the properties there, which
  // is valid JSON Schema that strict mode refuses.
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  for (const file of readdirSync(OMS_SCHEMAS)
    .filter((f) => f.endsWith('.schema.json'))
    .sort())
    ajv.addSchema(JSON.parse(readFileSync(path.join(OMS_SCHEMAS, file), 'utf8')) as object);
  const get = (id: string): ValidateFunction => {
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`the OMS spec schemas in ${OMS_SCHEMAS} have no ${id}`);
    return validate;
  };
  compiled = { statement: get(OMS_STATEMENT_ID), bundle: get(OMS_BUNDLE_ID) };
  return compiled;
}

const describe = (errors: readonly ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );

/** The schema errors of an in-toto statement (parsed JSON) against the spec's statement schema; [] when valid. */
export function omsStatementErrors(statement: unknown): string[] {
  const { statement: validate } = validators();
  return validate(statement) ? [] : describe(validate.errors);
}

/** The schema errors of a whole OMS bundle (parsed JSON) against the spec's bundle schema; [] when valid. */
export function omsBundleErrors(bundle: unknown): string[] {
  const { bundle: validate } = validators();
  return validate(bundle) ? [] : describe(validate.errors);
}

/**
 * The schema errors of a statement the verifier accepted, less the one spelling the schema does not know and the
 * verifier accepts on purpose: the Python reference (model_signing up to 1.1.1 at least) names a shard's algorithm
 * `<hash_type>-sharded-<shard_size>` (test/fixtures/interop shards bundles), where the schema lists only the bare hash
 * names. Such a name is checked as its bare hash; any other deviation is reported.
 */
export function acceptedOmsStatementErrors(statement: unknown): string[] {
  const s = structuredClone(statement) as { predicate?: { resources?: unknown; serialization?: Record<string, unknown> } };
  const ser = s.predicate?.serialization;
  if (ser?.['method'] === 'shards' && Array.isArray(s.predicate?.resources)) {
    const sharded = `${String(ser['hash_type'])}-sharded-${String(ser['shard_size'])}`;
    for (const r of s.predicate.resources as Record<string, unknown>[])
      if (r['algorithm'] === sharded) r['algorithm'] = ser['hash_type'];
  }
  return omsStatementErrors(s);
}

/** Throws when `statement` is not an OMS v1.0 statement as the spec's schema describes it. */
export function assertOmsStatement(statement: unknown, what: string): void {
  const errors = acceptedOmsStatementErrors(statement);
  if (errors.length > 0) throw new Error(`${what} is not a valid OMS v1.0 statement (spec schema): ${errors.join('; ')}`);
}

/** The in-toto statement inside a bundle's (or bare envelope's) DSSE payload, parsed. */
export function payloadStatement(document: string | Uint8Array): unknown {
  const json = JSON.parse(typeof document === 'string' ? document : Buffer.from(document).toString('utf8')) as {
    dsseEnvelope?: { payload: string };
    payload?: string;
  };
  const payload = json.dsseEnvelope?.payload ?? json.payload;
  if (payload === undefined) throw new Error('the document has no DSSE payload');
  return JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as unknown;
}
