// DSSE envelope (secure-systems-lab/dsse envelope.md, v1.0), parsed once at the edge into a narrow internal type.
// Used both for a Sigstore bundle's `dsseEnvelope` and for a bare envelope submitted on its own. The envelope is the
// protobuf message io.intoto.Envelope (sigstore protobuf-specs envelope.proto), so its JSON may spell the type field
// `payloadType` (lowerCamelCase) or `payload_type` (the proto field name): protobuf's JSON mapping accepts both, and
// Atlas CLI writes the second (docs/VERIFICATION.md, "Atlas CLI").

import { z } from 'zod';
import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';
import { decodeBase64 } from './encoding.ts';
import { describeIssues } from './zod-issues.ts';

/** A DSSE envelope with its one signature; bytes already decoded. */
export interface Envelope {
  readonly payloadType: string;
  readonly payload: Buffer;
  readonly signature: {
    readonly sig: Buffer;
    /** DSSE keyid: optional and unauthenticated, a lookup hint only. Absent, null and "" all mean none (OMS §4.1). */
    readonly keyid?: string;
  };
}

/** base64 text → its bytes, checked and decoded in one pass: a DSSE payload is kilobytes, decoded on every verification. */
const base64 = z.string().transform((text, ctx) => {
  const bytes = decodeBase64(text);
  if (bytes === undefined) ctx.issues.push({ code: 'custom', message: 'not base64', input: text });
  return bytes ?? Buffer.alloc(0);
});

const SignatureSchema = z.object({
  sig: z
    .string()
    .refine((s) => s.length > 0, { message: 'empty' })
    .pipe(base64),
  keyid: z.string().nullable().optional(),
});

const EnvelopeSchema = z
  .object({
    payloadType: z.string().optional(),
    payload_type: z.string().optional(),
    payload: base64,
    signatures: z.array(z.unknown()),
  })
  .refine((e) => e.payloadType !== undefined || e.payload_type !== undefined, {
    message: 'required',
    path: ['payloadType'],
  });

/**
 * Parses an envelope. `where` prefixes field names in messages (`dsseEnvelope.` inside a bundle).
 * SECURITY: exactly one signature (docs/VERIFICATION.md, "Stricter than the reference implementations") — with
 * several, which signer the graph should record is ambiguous,
 * and a verifier that accepts "any one valid" lets an attacker append signatures that are never checked.
 */
export function parseEnvelope(json: unknown, where = ''): Check<Envelope> {
  const shape = EnvelopeSchema.safeParse(json);
  if (!shape.success) {
    return fail('MALFORMED_ENVELOPE', `The DSSE envelope is malformed: ${describeIssues(shape.error, where)}.`);
  }
  const { signatures, payloadType: camel, payload_type: snake } = shape.data;
  // SECURITY: one field, two spellings. Were both allowed with different values, the type this verifier signs over
  // (PAE) and the type another consumer reads could differ; protobuf parsers refuse such input too.
  if (camel !== undefined && snake !== undefined && camel !== snake) {
    return fail(
      'MALFORMED_ENVELOPE',
      `The DSSE envelope spells its type twice with different values (${where}payloadType and ${where}payload_type).`,
    );
  }
  const payloadType = camel ?? snake ?? '';
  if (signatures.length === 0) {
    return fail('NO_SIGNATURE', `The DSSE envelope has an empty ${where}signatures list.`);
  }
  if (signatures.length > 1) {
    return fail('MULTIPLE_SIGNATURES', `The DSSE envelope has ${signatures.length} signatures; exactly one is accepted.`);
  }
  const sig = SignatureSchema.safeParse(signatures[0]);
  if (!sig.success) {
    return fail('MALFORMED_ENVELOPE', `The DSSE envelope is malformed: ${describeIssues(sig.error, `${where}signatures[0].`)}.`);
  }
  const keyid = sig.data.keyid ?? '';
  return ok({
    payloadType,
    payload: shape.data.payload,
    signature: { sig: sig.data.sig, ...(keyid === '' ? {} : { keyid }) },
  });
}

const IN_TOTO_PAYLOAD_TYPE = /^application\/vnd\.in-toto(?:\.[A-Za-z0-9][A-Za-z0-9._-]*)?\+json$/;

/**
 * in-toto Statement v1 (spec/v1/envelope.md): payloadType `application/vnd.in-toto+json`, or the
 * `application/vnd.in-toto.<predicate>+json` form some producers use. We only check it names in-toto JSON;
 * what the statement is comes from its predicateType, never from this media type (a producer picks the media type;
 * the predicateType is inside the signed statement).
 */
export function isInTotoPayloadType(payloadType: string): boolean {
  return IN_TOTO_PAYLOAD_TYPE.test(payloadType);
}
