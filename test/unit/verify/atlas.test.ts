// Atlas CLI 0.3.0 documents (test/fixtures/atlas, made by scripts/fixtures/make-atlas.sh): standalone manifests,
// whose claim alone is signed, and the "OMS" form, a signed in-toto statement with the manifest as predicate.

import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import { pae, verifyDocument } from '../../../src/verify/index.ts';
import type { RejectionCode, TrustPolicy, VerificationResult, Verified } from '../../../src/verify/index.ts';
import { parseOrderedJson, toCbor } from '../../../src/verify/atlas/claim-cbor.ts';
import { compactJson, manifestDigests } from '../../../src/verify/atlas/manifest-digest.ts';
import { ATLAS_URNS, atlasDocument, atlasFile, atlasKey, atlasPolicy } from '../../support/atlas.ts';
import type { AtlasDocumentName } from '../../support/atlas.ts';

const policy = atlasPolicy();
const text = (name: AtlasDocumentName) => atlasDocument(name).toString('utf8');
const parsed = (name: AtlasDocumentName) => JSON.parse(text(name)) as Record<string, unknown>;

async function verified(doc: string | Buffer, p: TrustPolicy = policy): Promise<Verified> {
  const r = await verifyDocument(doc, p);
  assert.equal(r.status, 'verified', r.status === 'rejected' ? `${r.code}: ${r.message}` : '');
  return r as Verified;
}

async function rejected(doc: string | Buffer, code: RejectionCode, p: TrustPolicy = policy): Promise<VerificationResult> {
  const r = await verifyDocument(doc, p);
  assert.equal(r.status, 'rejected', `expected ${code}`);
  if (r.status === 'rejected') {
    assert.equal(r.code, code, r.message);
    assert.match(r.message, /\.$/);
  }
  return r;
}

async function expectCode(doc: string | Buffer, code: RejectionCode, p: TrustPolicy = policy): Promise<void> {
  await rejected(doc, code, p);
}

/** The OMS-form statement, edited and signed again with the ML team's key the way Atlas signs (SHA-384, DER). */
function resignedOms(name: AtlasDocumentName, edit: (statement: Record<string, unknown>) => void): string {
  const envelope = parsed(name) as { payload: string; payload_type: string };
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Record<string, unknown>;
  edit(statement);
  const payload = Buffer.from(JSON.stringify(statement));
  const sig = sign('sha384', pae(envelope.payload_type, payload), createPrivateKey(atlasKey('ml-team', 'key')));
  return JSON.stringify({
    payload: payload.toString('base64'),
    payload_type: envelope.payload_type,
    signatures: [{ sig: sig.toString('base64'), keyid: '' }],
  });
}

describe('Atlas standalone manifests', () => {
  for (const [name, kind] of [
    ['dataset-raw', 'dataset'],
    ['dataset-train', 'dataset'],
    ['software-train', 'software'],
    ['base-model', 'model'],
    ['evaluation-base', 'evaluation'],
  ] as const) {
    test(`${name}: the claim's signature verifies; a ${kind} manifest`, async () => {
      const r = await verified(atlasDocument(name));
      assert.equal(r.method, 'key');
      assert.equal(r.predicateType, 'https://spec.c2pa.org/specifications/specifications/2.2');
      assert.equal(r.atlas?.form, 'standalone');
      assert.equal(r.atlas?.kind, kind);
      assert.equal(r.atlas?.urn, parsed(name)['instance_id']);
      assert.deepEqual(r.atlas?.links, [], 'a standalone manifest has no signed links');
      assert.deepEqual(r.statement.subjects, [{ name: r.atlas?.name ?? '', digest: { sha384: r.atlas?.root.hex } }]);
    });
  }

  test('the eval team signs with P-384 and the curve hash; the ML team with P-256 and SHA-384', async () => {
    assert.equal((await verified(atlasDocument('evaluation-base'))).signer.kind === 'key', true);
    const mlOnly = (hash?: 'sha384'): TrustPolicy => ({
      keys: [{ id: 'ml', pem: atlasKey('ml-team', 'pub'), ...(hash ? { hash } : {}) }],
      anchors: [],
      identities: [],
    });
    await rejected(atlasDocument('dataset-raw'), 'SIGNATURE_INVALID', mlOnly());
    await verified(atlasDocument('dataset-raw'), mlOnly('sha384'));
  });

  test('cross-references are outside the signature: added after signing, the claim still verifies, and they stay unsigned', async () => {
    const original = await verified(atlasDocument('finetuned-model'));
    const relinked = await verified(atlasDocument('finetuned-model.relinked'));
    assert.equal(relinked.atlas?.root.hex, original.atlas?.root.hex);
    assert.deepEqual(relinked.atlas?.links, []);
    assert.deepEqual(
      relinked.atlas?.unsignedLinks.map((l) => l.urn),
      [ATLAS_URNS.baseModel, ATLAS_URNS.fineTuningSet, ATLAS_URNS.unrelatedDataset],
    );
    // Anyone can do what `atlas-cli manifest link` did: rewrite them freely.
    const forged = parsed('finetuned-model');
    forged['cross_references'] = [{ manifest_url: 'urn:c2pa:attacker', manifest_hash: 'ab'.repeat(48) }];
    forged['title'] = 'Something else';
    forged['instance_id'] = 'urn:c2pa:someone-else';
    const r = await verified(JSON.stringify(forged, null, 2));
    assert.deepEqual(r.atlas?.links, []);
    assert.equal(r.atlas?.name, undefined, 'the unsigned title is not a name');
  });

  test('an evaluation signs its model_id and dataset_id in the claim', async () => {
    const r = await verified(atlasDocument('evaluation-base'));
    assert.deepEqual(r.atlas?.evaluation, { model: { urn: ATLAS_URNS.baseModel }, dataset: { urn: ATLAS_URNS.fineTuningSet } });
    assert.equal(r.atlas?.name, 'Base model on the domain set');
  });

  for (const [what, edit] of [
    ['an ingredient hash', (claim: any) => (claim.ingredients[0].data.hash = 'ab'.repeat(48))],
    [
      "an evaluation's model_id",
      (claim: any) => (claim.created_assertions[1].Action.actions[0].parameters.model_id = 'urn:c2pa:x'),
    ],
    ['the claim instance_id', (claim: any) => (claim.instance_id = 'urn:c2pa:x')],
  ] as const) {
    test(`SIGNATURE_INVALID: ${what} changed in the claim`, async () => {
      const doc = parsed('evaluation-base') as { claim: unknown };
      edit(doc.claim);
      await rejected(JSON.stringify(doc, null, 2), 'SIGNATURE_INVALID');
    });
  }

  test('the claim is read in its own key order: reordered members no longer verify', async () => {
    const doc = parsed('dataset-raw') as { claim: Record<string, unknown> };
    const { instance_id: id, ...rest } = doc.claim;
    doc.claim = { ...rest, instance_id: id };
    await rejected(JSON.stringify(doc), 'SIGNATURE_INVALID');
  });

  test('MALFORMED_MANIFEST: a second claim member (JSON.parse would read it, the signature checks the first)', async () => {
    const forged = parsed('dataset-raw') as { claim: { ingredients: { data: { hash: string } }[] } };
    forged.claim.ingredients[0]!.data.hash = 'ab'.repeat(48);
    const genuine = text('dataset-raw').trimEnd();
    const doubled = `${genuine.slice(0, -1)}, "claim": ${JSON.stringify(forged.claim)}}`;
    await expectCode(doubled, 'MALFORMED_MANIFEST');
  });

  test('a repeated key inside the claim is refused too', () => {
    assert.equal(parseOrderedJson('{"a": 1, "b": {"c": 1, "c": 2}}'), undefined);
  });

  test('whitespace does not matter (compact or pretty JSON verifies alike)', async () => {
    await verified(compactJson(text('software-train')));
  });

  test('MANIFEST_UNSIGNED: made without --key, or an "OMS" manifest Atlas stored without its envelope', async () => {
    await rejected(atlasDocument('unsigned-dataset'), 'MANIFEST_UNSIGNED');
    await rejected(atlasDocument('base-model.oms-stored'), 'MANIFEST_UNSIGNED');
  });

  test('SIGNATURE_INVALID: signed by a key the policy lacks (no key is named, every key is tried)', () =>
    expectCode(atlasDocument('untrusted-dataset'), 'SIGNATURE_INVALID'));

  test('NO_TRUST_MATERIAL: a policy without keys', () =>
    expectCode(atlasDocument('dataset-raw'), 'NO_TRUST_MATERIAL', { keys: [], anchors: [], identities: [] }));

  test('UNSUPPORTED_ENCODING: Atlas CBOR output (--encoding cbor)', () =>
    expectCode(atlasFile('documents/dataset.cbor.hex'), 'UNSUPPORTED_ENCODING'));

  test('scope: a model or dataset claim signs no name, so only unscoped keys vouch for it', async () => {
    const scoped: TrustPolicy = {
      keys: [
        { id: 'ml', pem: atlasKey('ml-team', 'pub'), hash: 'sha384', scope: ['**'] },
        { id: 'eval', pem: atlasKey('eval-team', 'pub'), scope: ['Base model on *'] },
      ],
      anchors: [],
      identities: [],
    };
    await rejected(atlasDocument('dataset-raw'), 'UNTRUSTED_KEY', scoped);
    await verified(atlasDocument('evaluation-base'), scoped);
    // The eval key is out of scope for this name; the ML key is in scope but did not sign it.
    await rejected(atlasDocument('evaluation-finetuned'), 'SIGNATURE_INVALID', scoped);
  });

  for (const [what, edit, code] of [
    ['no claim', (d: any) => (d.claim = 'x'), 'MALFORMED_MANIFEST'],
    ['a signature that is not base64', (d: any) => (d.claim.signature = 'not base64!'), 'MALFORMED_MANIFEST'],
  ] as const) {
    test(`${code}: ${what}`, () => {
      const doc = parsed('dataset-raw');
      edit(doc);
      return expectCode(JSON.stringify(doc), code);
    });
  }
});

describe('Atlas "OMS" form (a signed statement with the manifest as predicate)', () => {
  test('spells payload_type, an empty keyid and no key; verifies, with its cross-references signed', async () => {
    const envelope = parsed('base-model.oms') as { payload_type?: string; signatures: { keyid: string }[] };
    assert.equal(envelope.payload_type, 'application/vnd.in-toto+json');
    assert.equal(envelope.signatures[0]?.keyid, '');
    const r = await verified(atlasDocument('base-model.oms'));
    assert.equal(r.atlas?.form, 'oms');
    assert.equal(r.atlas?.kind, 'model');
    assert.equal(r.atlas?.name, 'Base model');
    assert.deepEqual(
      r.atlas?.links.map((l) => [l.urn, l.manifestDigest?.algorithm]),
      [
        [ATLAS_URNS.trainingSet, 'sha384'],
        [ATLAS_URNS.software, 'sha384'],
      ],
    );
  });

  test('its subject is the same model as the standalone manifest of the same files', async () => {
    const oms = await verified(atlasDocument('finetuned-model.oms'));
    const standalone = await verified(atlasDocument('finetuned-model'));
    assert.deepEqual(oms.atlas?.root, standalone.atlas?.root);
    assert.deepEqual(oms.statement.subjects[0]?.digest, standalone.statement.subjects[0]?.digest);
  });

  test('a cross-reference pins the target manifest: its hash is the digest of the stored JSON, compacted', async () => {
    const oms = await verified(atlasDocument('finetuned-model.oms'));
    const base = await verified(atlasDocument('base-model'));
    const pin = oms.atlas?.links.find((l) => l.urn === ATLAS_URNS.baseModel)?.manifestDigest;
    assert.ok(pin);
    assert.ok(base.atlas?.manifestDigests.some((d) => d.algorithm === pin.algorithm && d.hex === pin.hex));
    assert.equal(base.atlas?.urn, ATLAS_URNS.baseModel);
  });

  test('ROOT_DIGEST_MISMATCH: a subject that is not the hash of the ingredients', () =>
    expectCode(
      resignedOms(
        'base-model.oms',
        (s) => ((s['subject'] as { digest: Record<string, string> }[])[0]!.digest = { sha384: 'ab'.repeat(48) }),
      ),
      'ROOT_DIGEST_MISMATCH',
    ));

  test('MULTIPLE_SUBJECTS', () =>
    expectCode(
      resignedOms('base-model.oms', (s) => (s['subject'] = [...(s['subject'] as unknown[]), ...(s['subject'] as unknown[])])),
      'MULTIPLE_SUBJECTS',
    ));

  test('MALFORMED_PREDICATE: a cross-reference whose hash is not hex', () =>
    expectCode(
      resignedOms('base-model.oms', (s) => {
        (s['predicate'] as { cross_references: { manifest_hash: string }[] }).cross_references[0]!.manifest_hash = 'nope';
      }),
      'MALFORMED_PREDICATE',
    ));

  test('MALFORMED_PREDICATE: no CreativeWork kind', () =>
    expectCode(
      resignedOms(
        'base-model.oms',
        (s) => ((s['predicate'] as { claim: { created_assertions: unknown[] } }).claim.created_assertions = []),
      ),
      'MALFORMED_PREDICATE',
    ));

  test('a re-signed statement that changes nothing verifies (the helper signs as Atlas does)', async () => {
    await verified(resignedOms('base-model.oms', () => undefined));
  });

  test('a different key is SIGNATURE_INVALID', async () => {
    const p: TrustPolicy = { keys: [{ id: 'eval', pem: atlasKey('eval-team', 'pub') }], anchors: [], identities: [] };
    await rejected(atlasDocument('base-model.oms'), 'SIGNATURE_INVALID', p);
  });
});

describe('Atlas SLSA provenance', () => {
  test('the non-URI buildType atlas-cli:0.3.0, file subjects and payload_type verify', async () => {
    const r = await verified(atlasDocument('finetune-run.slsa'));
    const predicate = r.statement.predicate as { buildDefinition: { buildType: string } };
    assert.equal(predicate.buildDefinition.buildType, 'atlas-cli:0.3.0');
    assert.deepEqual(
      r.statement.subjects.map((s) => s.name),
      ['models/finetuned/model.onnx', 'models/finetuned/config.json'],
    );
  });
});

describe('serde_cbor encoding of the claim (RFC 8949 Appendix A vectors, shortest form as serde_cbor writes)', () => {
  const cbor = (json: string) => {
    const value = parseOrderedJson(json);
    assert.ok(value, json);
    const out = toCbor(value);
    assert.ok(out.ok);
    return out.value.toString('hex');
  };
  for (const [json, hex] of [
    ['0', '00'],
    ['23', '17'],
    ['24', '1818'],
    ['1000000', '1a000f4240'],
    ['18446744073709551615', '1bffffffffffffffff'],
    ['-1', '20'],
    ['-1000', '3903e7'],
    ['0.0', 'f90000'],
    ['-0.0', 'f98000'],
    ['0.5', 'f93800'],
    ['65504.0', 'f97bff'],
    ['5.960464477539063e-8', 'f90001'],
    ['100000.0', 'fa47c35000'],
    ['1.1', 'fb3ff199999999999a'],
    ['-4.1', 'fbc010666666666666'],
    ['1.0e+300', 'fb7e37e43c8800759c'],
    ['true', 'f5'],
    ['null', 'f6'],
    ['"ü"', '62c3bc'],
    ['[1,[2,3]]', '8201820203'],
    ['{"b":1,"a":[]}', 'a2616201616180'],
    ['{"2":0,"10":0}', 'a261320062313000'],
  ] as const) {
    test(`${json} → ${hex}`, () => assert.equal(cbor(json), hex));
  }
  test('keys keep their order in the text, integer-like ones too (JSON.parse would move them)', () => {
    assert.deepEqual(Object.keys(JSON.parse('{"b":0,"1":0}') as object), ['1', 'b']);
    assert.equal(cbor('{"b":0,"1":0}'), 'a2616200613100');
  });
  test('text that is not one JSON value', () => {
    for (const bad of ['{', '[1,]', '{"a" 1}', '1 2', "{'a':1}"]) assert.equal(parseOrderedJson(bad), undefined, bad);
  });
  test('manifest digests are over the compact JSON, whitespace inside strings kept', () => {
    assert.equal(compactJson('{ "a b" : [ 1 , "x\\" y" ]\n}'), '{"a b":[1,"x\\" y"]}');
    const [sha256] = manifestDigests('{ "a": 1 }');
    assert.equal(sha256?.hex, manifestDigests('{"a":1}')[0]?.hex);
  });
  test('the public key Atlas used is a P-256 key (SHA-384 is Atlas’s choice, not the curve’s)', () => {
    assert.equal(createPublicKey(atlasKey('ml-team', 'pub')).asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });
});
