// What we expect of the OMS conformance cases beyond pass/fail: the reason each negative case is rejected for,
// the cases the conformance README lists as flawed (and why), and re-signed variants of the malformed cases.

import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pae } from '../../src/verify/signers/dsse.ts';
import type { RejectionCode } from '../../src/verify/index.ts';
import { OMS_CONFORMANCE } from '../support/paths.ts';

export interface CaseConfig {
  readonly description: string;
  readonly method: 'key' | 'certificate' | 'sigstore';
  readonly model: string;
  readonly model_relative_to?: 'test_dir';
  readonly expect?: 'fail';
  readonly expected_signed_files?: readonly string[];
  readonly model_modifications?: {
    readonly tamper?: Readonly<Record<string, string>>;
    readonly inject?: Readonly<Record<string, string>>;
    readonly delete?: readonly string[];
  };
  readonly verify: {
    readonly public_key?: string;
    readonly cert_chain?: readonly string[];
    readonly identity?: string;
    readonly identity_provider?: string;
    readonly ignore_paths?: readonly string[];
    readonly ignore_unsigned_files?: boolean;
  };
}

/** Flawed cases (conformance README "Known flaws"): still run, still held to their expected outcome. */
export const FLAWED: Readonly<Record<string, string>> = {
  'certificate-expired_fail':
    'the expired leaf (2020) is older than the intermediate that issued it (2025), so no time exists at which the ' +
    'chain is valid and the case cannot tell "expired" from "broken chain"; we must still reject it (CERTIFICATE_EXPIRED)',
  'sigstore-verify-as-key_fail':
    'it names keys/ec-p256/signing-key-pub.pem, which is not in assets/, so the reference fails on the missing file; ' +
    'we verify with a real key instead and must still reject the keyless bundle (no Sigstore root in a key policy)',
  'key-simple-ignore-unsigned-files':
    'its own signature lists the injected extra.bin, so it passes without --ignore-unsigned-files too and does not ' +
    'test that flag (the model-files unit tests do)',
};

/** Why a case is refused with a code that is not the flaw it was written for. */
const EDITED_AFTER_SIGNING =
  "its payload was edited after signing (it carries key-simple's signature), and nothing in an unsigned payload may be " +
  'acted on, so the signature fails first; the re-signed variant of the case is refused for the payload flaw itself';

/** The reason each negative case must be rejected for, and, where that is not the case's own flaw, why. */
export const EXPECTED_REJECTION: Readonly<Record<string, { readonly code: RejectionCode; readonly why?: string }>> = {
  'certificate-expired_fail': { code: 'CERTIFICATE_EXPIRED' },
  'certificate-simple-wrong-ca_fail': { code: 'CERTIFICATE_UNTRUSTED' },
  'key-simple-corrupted-bundle_fail': { code: 'MALFORMED_JSON' },
  'key-simple-extra-file_fail': { code: 'FILE_EXTRA' },
  'key-simple-missing-file_fail': { code: 'FILE_MISSING' },
  'key-simple-no-signature_fail': { code: 'NO_SIGNATURE' },
  'key-simple-tampered-content_fail': { code: 'FILE_DIGEST_MISMATCH' },
  'key-simple-truncated-bundle_fail': { code: 'MALFORMED_JSON' },
  'key-simple-wrong-key_fail': {
    code: 'UNTRUSTED_KEY',
    why: "the bundle's hint names the real signing key, which the policy (holding only the wrong key) lacks, so no key is tried",
  },
  'key-simple-wrong-mediatype_fail': { code: 'UNSUPPORTED_MEDIA_TYPE' },
  'key-verify-as-certificate_fail': {
    code: 'NO_TRUST_MATERIAL',
    why: 'a key bundle under a certificate-only policy: the policy trusts no key at all',
  },
  'malformed-empty-bundle_fail': { code: 'MALFORMED_JSON' },
  'malformed-empty-resources_fail': { code: 'SIGNATURE_INVALID', why: EDITED_AFTER_SIGNING },
  'malformed-missing-envelope_fail': { code: 'MALFORMED_BUNDLE' },
  'malformed-no-predicate_fail': { code: 'SIGNATURE_INVALID', why: EDITED_AFTER_SIGNING },
  'malformed-no-subject_fail': { code: 'SIGNATURE_INVALID', why: EDITED_AFTER_SIGNING },
  'malformed-wrong-payload-type_fail': { code: 'UNSUPPORTED_PAYLOAD_TYPE' },
  'malformed-wrong-predicate_fail': { code: 'SIGNATURE_INVALID', why: EDITED_AFTER_SIGNING },
  'malformed-wrong-statement-type_fail': { code: 'SIGNATURE_INVALID', why: EDITED_AFTER_SIGNING },
  'sigstore-tampered-content_fail': { code: 'FILE_DIGEST_MISMATCH' },
  'sigstore-verify-as-key_fail': {
    code: 'NO_TRUST_MATERIAL',
    why: 'a keyless bundle under a key-only policy is routed to keyless verification, and the policy has no Sigstore root',
  },
  'sigstore-wrong-identity_fail': { code: 'IDENTITY_MISMATCH' },
  'sigstore-wrong-issuer_fail': { code: 'IDENTITY_MISMATCH' },
};

/** The code each malformed payload earns once its signature is valid (signed with the case's own test key). */
const RESIGNED: Readonly<Record<string, RejectionCode>> = {
  'malformed-empty-resources_fail': 'RESOURCES_EMPTY',
  'malformed-no-predicate_fail': 'MALFORMED_PREDICATE',
  'malformed-no-subject_fail': 'NO_SUBJECT',
  'malformed-wrong-payload-type_fail': 'UNSUPPORTED_PAYLOAD_TYPE',
  'malformed-wrong-predicate_fail': 'UNSUPPORTED_PREDICATE',
  'malformed-wrong-statement-type_fail': 'UNSUPPORTED_STATEMENT_TYPE',
};

/** Whether a case has a re-signed variant (so a refusal on its signature is backed by one on its payload). */
export const hasResignedVariant = (name: string): boolean => RESIGNED[name] !== undefined;

export function resignedVariants(name: string, dir: string): { bundle: string; code: RejectionCode }[] {
  const code = RESIGNED[name];
  if (code === undefined) return [];
  const bundle = JSON.parse(readFileSync(path.join(dir, 'bundle.sig'), 'utf8')) as {
    dsseEnvelope: { payloadType: string; payload: string; signatures: { sig: string }[] };
  };
  const key = createPrivateKey(readFileSync(path.join(OMS_CONFORMANCE, 'assets/keys/certificate/signing-key.pem'), 'utf8'));
  const env = bundle.dsseEnvelope;
  const sig = sign('sha384', pae(env.payloadType, Buffer.from(env.payload, 'base64')), key);
  env.signatures = [{ sig: sig.toString('base64') }];
  return [{ bundle: JSON.stringify(bundle), code }];
}
