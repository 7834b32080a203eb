// A standalone Atlas CLI manifest (the default `--format standalone`, and every dataset, software and evaluation
// manifest): JSON, not an envelope. Atlas signs only the claim (atlas-cli src/manifest/signer.rs): the signature,
// base64 in `claim.signature`, is ECDSA/RSA over serde_cbor(claim) with `signature` None, hashed with --hash-alg
// (SHA-384 by default), and names no key. The outer manifest — its `instance_id`, `title`, `cross_references`,
// the `c2pa.claim.v2` copy — is outside the signature: `atlas-cli manifest link` adds cross-references to a signed
// manifest without signing again, and anyone can. So only the claim is read as trusted; cross-references are kept
// as `unsignedLinks`, and the instance_id serves only to find the manifest (never as the subject).

import { verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { fail } from '../check.ts';
import type { Check } from '../check.ts';
import { decodeBase64 } from '../document/encoding.ts';
import type { Limits } from '../document/limits.ts';
import { checkAtlasManifestLimits } from '../document/statement-limits.ts';
import { verifyWithKey } from '../signers/key.ts';
import { preparePolicy } from '../policy/material.ts';
import type { AtlasManifest, RejectionCode, Signer, Statement, TrustPolicy } from '../types.ts';
import { member, parseOrderedJson, toCbor, withMember } from './claim-cbor.ts';
import { manifestDigests } from './manifest-digest.ts';
import { readAtlasManifest } from './manifest.ts';
import { C2PA_PREDICATE } from './statement.ts';

/** The `type` of the statement verification gives a standalone manifest, which has none of its own (types.ts). */
export const ATLAS_STANDALONE = 'c2pa-standalone-manifest';

export type StandaloneOutcome =
  | { readonly ok: true; readonly signer: Signer; readonly statement: Statement; readonly atlas: AtlasManifest }
  | { readonly ok: false; readonly code: RejectionCode; readonly message: string; readonly statement?: Statement };

/** A JSON object shaped like an Atlas manifest: a `claim` and none of the bundle or envelope members. */
export function isStandaloneManifest(json: object): boolean {
  return 'claim' in json && !('mediaType' in json) && !('payload' in json) && !('signatures' in json);
}

/** Verifies a standalone manifest (`text` is the document, `json` its parse) under the policy's keys. */
export function verifyStandalone(text: string, json: object, policy: TrustPolicy, limits: Limits): StandaloneOutcome {
  const claimJson = (json as { claim?: unknown }).claim;
  if (typeof claimJson !== 'object' || claimJson === null || Array.isArray(claimJson)) {
    return { ok: false, code: 'MALFORMED_MANIFEST', message: 'The Atlas manifest has no claim object.' };
  }
  const signatureText = (claimJson as { signature?: unknown }).signature;
  if (signatureText === null || signatureText === undefined || signatureText === '') {
    // Atlas writes a claim without --key, and stores its "OMS" manifests without their envelope, unsigned.
    return {
      ok: false,
      code: 'MANIFEST_UNSIGNED',
      message: 'The Atlas manifest claim carries no signature (claim.signature is null).',
    };
  }
  const signature = typeof signatureText === 'string' ? decodeBase64(signatureText) : undefined;
  if (signature === undefined) {
    return { ok: false, code: 'MALFORMED_MANIFEST', message: 'The Atlas manifest claim.signature is not base64.' };
  }
  const size = checkAtlasManifestLimits(json, limits);
  if (!size.ok) return { ok: false, code: size.code, message: size.message };

  // What the claim says, read before the signature only for the name trust-entry scopes apply to; held back below.
  const claimed = readAtlasManifest({
    form: 'standalone',
    manifest: json,
    manifestDigests: manifestDigests(text),
    code: 'MALFORMED_MANIFEST',
    where: '',
  });
  const statement = claimed.ok ? statementOf(claimed.value, claimJson) : undefined;
  const signed = checkClaimSignature(
    text,
    signature,
    policy,
    claimed.ok && claimed.value.name ? [claimed.value.name] : undefined,
  );
  if (!signed.ok) return { ok: false, code: signed.code, message: signed.message, ...(statement ? { statement } : {}) };
  if (!claimed.ok) return { ok: false, code: claimed.code, message: claimed.message };
  return { ok: true, signer: signed.value, statement: statementOf(claimed.value, claimJson), atlas: claimed.value };
}

/**
 * SECURITY: the signature must verify over exactly the claim's bytes as Atlas serialized them, rebuilt from the
 * document's own text (claim-cbor.ts); nothing outside the claim takes part. A claim that does not rebuild the way
 * Atlas wrote it simply fails to verify. No key is named, so every configured key in scope is tried; a model or
 * dataset claim signs no name, so then only unscoped keys apply (appliesTo with no names).
 */
function checkClaimSignature(
  text: string,
  signature: Buffer,
  policy: TrustPolicy,
  names: readonly string[] | undefined,
): Check<Signer> {
  const ordered = parseOrderedJson(text);
  const claim = ordered === undefined ? undefined : member(ordered, 'claim');
  if (claim === undefined) {
    return fail('MALFORMED_MANIFEST', 'The Atlas manifest cannot be read in its key order (is a member repeated?).');
  }
  const cbor = toCbor(withMember(claim, 'signature', { t: 'null' }));
  if (!cbor.ok) return cbor;
  const verifies = (key: KeyObject, hash: string | null): boolean => {
    try {
      return cryptoVerify(hash, cbor.value, key, signature);
    } catch {
      return false;
    }
  };
  return verifyWithKey({ kind: 'keyid' }, verifies, preparePolicy(policy).keys, names);
}

/** The statement a standalone manifest stands for: its root digest as subject, its signed claim as predicate. */
function statementOf(manifest: AtlasManifest, claim: object): Statement {
  return {
    type: ATLAS_STANDALONE,
    predicateType: C2PA_PREDICATE,
    subjects: [{ name: manifest.name ?? '', digest: { [manifest.root.algorithm]: manifest.root.hex } }],
    predicate: claim,
  };
}
