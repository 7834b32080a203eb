// OpenSSF Model Signing conformance (sampras343/model-signing-conformance test/test-cases/verify, in
// ../shared/conformance/oms-conformance): EVERY case under cases/{positive,negative,historical} must meet its
// expected outcome, through our verifier directly (asserting the reason code) and through the `verify-model`
// adapter (asserting the exit code, the only thing the reference harness looks at).

import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runVerifyModel, verifyDocument } from '../../src/verify/index.ts';
import { verifyModelFiles } from '../../src/verify/oms/model-files.ts';
import type { RejectionCode, TrustPolicy, VerificationMethod } from '../../src/verify/index.ts';
import { OMS_CONFORMANCE, PUBLIC_GOOD_ROOT, requireShared } from '../support/paths.ts';
import { EXPECTED_REJECTION, FLAWED, type CaseConfig, resignedVariants } from './oms-cases.ts';

requireShared();
const ASSETS = path.join(OMS_CONFORMANCE, 'assets');
const METHOD: Readonly<Record<string, VerificationMethod>> = { key: 'key', certificate: 'certificate', sigstore: 'keyless' };
const publicGoodRoot = JSON.parse(readFileSync(PUBLIC_GOOD_ROOT, 'utf8')) as unknown;

interface Case {
  readonly category: string;
  readonly name: string;
  readonly dir: string;
  readonly config: CaseConfig;
}

function cases(): Case[] {
  return ['positive', 'negative', 'historical'].flatMap((category) =>
    readdirSync(path.join(OMS_CONFORMANCE, 'cases', category))
      .sort()
      .map((name) => {
        const dir = path.join(OMS_CONFORMANCE, 'cases', category, name);
        return { category, name, dir, config: JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as CaseConfig };
      }),
  );
}

/** The public key a case names, or for the flawed sigstore-verify-as-key case (missing file) a real one. */
function keyFile(c: Case): string | undefined {
  const rel = c.config.verify.public_key;
  if (rel === undefined) return undefined;
  const file = path.join(ASSETS, rel);
  return existsSync(file) ? file : path.join(ASSETS, 'keys/certificate/signing-key-pub.pem');
}

function policyFor(c: Case): TrustPolicy {
  const v = c.config.verify;
  const key = keyFile(c);
  return {
    keys: key === undefined ? [] : [{ id: 'case-key', pem: readFileSync(key, 'utf8') }],
    anchors: (v.cert_chain ?? []).map((rel) => ({ id: rel, pem: readFileSync(path.join(ASSETS, rel), 'utf8') })),
    identities:
      v.identity === undefined || v.identity_provider === undefined ? [] : [{ issuer: v.identity_provider, subject: v.identity }],
    ...(c.config.method === 'sigstore' ? { sigstoreTrustedRoot: publicGoodRoot } : {}),
  };
}

/** A copy of the model with the case's model_modifications applied (README: apply them to a copy). */
function preparedModel(c: Case, t: { after: (fn: () => void) => void }): string {
  const source = c.config.model_relative_to === 'test_dir' ? path.join(c.dir, c.config.model) : path.join(ASSETS, c.config.model);
  const tmp = mkdtempSync(path.join(tmpdir(), 'mpg-oms-case-'));
  t.after(() => rmSync(tmp, { recursive: true, force: true }));
  const model = path.join(tmp, path.basename(source));
  cpSync(source, model, { recursive: true });
  const mods = c.config.model_modifications ?? {};
  if (statSync(model).isDirectory()) {
    for (const [file, content] of Object.entries({ ...mods.tamper, ...mods.inject }))
      writeFileSync(path.join(model, file), content);
    for (const file of mods.delete ?? []) rmSync(path.join(model, file), { recursive: true, force: true });
  }
  return model;
}

function adapterArgs(c: Case, model: string): string[] {
  const v = c.config.verify;
  const argv = ['--method', c.config.method, '--model-path', model, '--bundle', path.join(c.dir, 'bundle.sig')];
  if (v.public_key !== undefined) argv.push('--public-key', path.join(ASSETS, v.public_key));
  if (v.cert_chain !== undefined) argv.push('--cert-chain', ...v.cert_chain.map((rel) => path.join(ASSETS, rel)));
  if (v.identity !== undefined && v.identity_provider !== undefined) {
    argv.push('--identity', v.identity, '--identity-provider', v.identity_provider, '--trusted-root', PUBLIC_GOOD_ROOT);
  }
  if (v.ignore_paths !== undefined) argv.push('--ignore-paths', ...v.ignore_paths);
  if (v.ignore_unsigned_files === true) argv.push('--ignore-unsigned-files');
  return argv;
}

for (const c of cases()) {
  const expectFail = c.config.expect === 'fail';
  const why = FLAWED[c.name];
  describe(`${c.category}/${c.name}${why === undefined ? '' : ' (flawed case)'}`, () => {
    if (why !== undefined) test(`flaw noted: ${why}`, () => undefined);

    test(expectFail ? 'is rejected with the expected reason' : 'verifies, document and files', async (t) => {
      const bytes = readFileSync(path.join(c.dir, 'bundle.sig'));
      const result = await verifyDocument(bytes, policyFor(c));
      let code: RejectionCode | undefined;
      if (result.status === 'rejected') {
        code = result.code;
      } else {
        assert.equal(result.method, METHOD[c.config.method], 'the bundle verified by the method the case asks for');
        assert.ok(result.oms, 'an OMS manifest');
        const files = await verifyModelFiles(preparedModel(c, t), result.oms, {
          ignorePaths: c.config.verify.ignore_paths ?? [],
          ignoreUnsignedFiles: c.config.verify.ignore_unsigned_files === true,
          signaturePath: path.join(c.dir, 'bundle.sig'),
        });
        if (!files.ok) code = files.code;
        const expectedFiles = c.config.expected_signed_files;
        if (!expectFail && expectedFiles !== undefined) {
          assert.deepEqual(result.oms.resources.map((r) => r.path).sort(), [...expectedFiles].sort());
        }
      }
      if (expectFail)
        assert.equal(
          code,
          EXPECTED_REJECTION[c.name],
          `rejected for the expected reason (${result.status === 'rejected' ? result.message : code})`,
        );
      else assert.equal(code, undefined, result.status === 'rejected' ? result.message : `files: ${code}`);
    });

    test(`verify-model exits ${expectFail ? 'non-zero' : '0'}`, async (t) => {
      const lines: string[] = [];
      const exit = await runVerifyModel(adapterArgs(c, preparedModel(c, t)), {
        out: (l) => lines.push(l),
        err: (l) => lines.push(l),
      });
      if (expectFail) assert.notEqual(exit, 0, lines.join('\n'));
      else assert.equal(exit, 0, lines.join('\n'));
    });

    for (const variant of resignedVariants(c.name, c.dir)) {
      test(`re-signed with the case key: ${variant.code}`, async () => {
        const result = await verifyDocument(variant.bundle, policyFor(c));
        assert.equal(result.status, 'rejected');
        if (result.status === 'rejected') assert.equal(result.code, variant.code, result.message);
      });
    }
  });
}

test('every case directory was run', () => {
  const count = cases().length;
  assert.equal(count, 43, `${count} cases found`);
});
