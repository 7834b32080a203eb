// `verify-bundle`: generic Sigstore bundle verification from the command line, with the flags of
// sigstore-conformance's client protocol (docs/cli_protocol.md there):
//   verify-bundle --bundle B (--certificate-identity ID --certificate-oidc-issuer URL | --key K)
//                 [--trusted-root F] ARTIFACT
// Exit 0 = verified, 1 = rejected (the reason code is printed), 2 = usage or I/O error. Offline: without
// --trusted-root there is no trust material and every bundle is rejected with NO_TRUST_MATERIAL.

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { verifySigstoreBundle } from './keyless/sigstore-bundle.ts';
import type { SigstoreBundleResult } from './keyless/sigstore-bundle.ts';

export interface CommandIO {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const consoleIO: CommandIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export const VERIFY_BUNDLE_USAGE =
  'usage: verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key PEM) [--trusted-root FILE] ARTIFACT';

interface Args {
  readonly bundle: string;
  readonly artifact: string;
  readonly identity?: { readonly issuer: string; readonly subject: string };
  readonly key?: string;
  readonly trustedRoot?: string;
}

export async function runVerifyBundle(argv: string[], io: CommandIO = consoleIO): Promise<number> {
  const args = parse(argv);
  if (typeof args === 'string') {
    io.err(args);
    io.err(VERIFY_BUNDLE_USAGE);
    return 2;
  }
  let result: SigstoreBundleResult;
  try {
    result = await verifyFiles(args);
  } catch (err) {
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  if (result.ok) {
    io.out('OK');
    return 0;
  }
  io.out(result.code);
  io.err(`rejected: ${result.code}: ${result.message}`);
  return 1;
}

/** Reads the files named by `args` and verifies; throws only when a file cannot be read. */
async function verifyFiles(args: Args): Promise<SigstoreBundleResult> {
  const bundleText = await readFile(args.bundle, 'utf8');
  const artifact = await readFile(args.artifact);
  const key = args.key === undefined ? undefined : await readFile(args.key, 'utf8');
  const rootText = args.trustedRoot === undefined ? undefined : await readFile(args.trustedRoot, 'utf8');

  let bundle: unknown;
  try {
    bundle = JSON.parse(bundleText);
  } catch (err) {
    return { ok: false, code: 'MALFORMED_JSON', message: `the bundle is not JSON: ${String(err)}` };
  }
  let trustedRoot: unknown;
  if (rootText !== undefined) {
    try {
      trustedRoot = JSON.parse(rootText);
    } catch (err) {
      return { ok: false, code: 'NO_TRUST_MATERIAL', message: `the trusted root is not JSON: ${String(err)}` };
    }
  }
  return verifySigstoreBundle(bundle, new Uint8Array(artifact), {
    trustedRoot,
    ...(key !== undefined ? { publicKeyPem: key } : {}),
    ...(args.identity !== undefined ? { identity: args.identity } : {}),
  });
}

function parse(argv: string[]): Args | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        bundle: { type: 'string' },
        'certificate-identity': { type: 'string' },
        'certificate-oidc-issuer': { type: 'string' },
        'trusted-root': { type: 'string' },
        key: { type: 'string' },
      },
    });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const v = parsed.values;
  const [artifact, ...extra] = parsed.positionals;
  if (v.bundle === undefined) return 'missing --bundle';
  if (artifact === undefined || extra.length > 0) return 'expected exactly one ARTIFACT';
  const base = { bundle: v.bundle, artifact, ...(v['trusted-root'] !== undefined ? { trustedRoot: v['trusted-root'] } : {}) };
  // key mode wins: a key-signed bundle has no certificate identity to compare
  if (v.key !== undefined) return { ...base, key: v.key };
  const subject = v['certificate-identity'];
  const issuer = v['certificate-oidc-issuer'];
  if (subject === undefined || issuer === undefined) {
    return 'give --certificate-identity and --certificate-oidc-issuer, or --key';
  }
  return { ...base, identity: { issuer, subject } };
}
