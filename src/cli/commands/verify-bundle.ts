// `verify-bundle`: any Sigstore bundle against an artifact, offline, with the flags of sigstore-conformance's client
// protocol (docs/cli_protocol.md there). This file owns the command line; what is verified is src/verify's.

import { readFile } from 'node:fs/promises';
import type { SigstoreBundleResult } from '../../verify/index.ts';
import { parse, UsageError, userPath } from '../args.ts';
import { consoleIO, type CommandIO } from '../io.ts';

export const help = `usage: mpg verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer URL | --key FILE)
                         [--trusted-root FILE] ARTIFACT

Verifies a Sigstore bundle (message signature or DSSE) against ARTIFACT, offline. A message-signature bundle
must sign the artifact's bytes; a DSSE bundle must carry an in-toto statement with a subject whose sha256 is
the artifact's.

  --bundle FILE                    the Sigstore bundle (JSON)
  --certificate-identity ID        keyless: the signing certificate's SAN (email or URI) must be exactly ID …
  --certificate-oidc-issuer URL    … and its OIDC issuer exactly URL
  --key FILE                       key mode instead: the bundle must be signed by this public key (PEM)
  --trusted-root FILE              the Sigstore trusted_root.json to verify under; nothing is fetched, so
                                   without it every bundle is rejected with NO_TRUST_MATERIAL
  --help                           this text

Relative paths are relative to the directory the command was run from (under npm: $INIT_CWD).

Exit status
  0  verified; prints "OK"
  1  rejected; prints the code on stdout and "rejected: CODE: reason" on stderr (codes: docs/VERIFICATION.md)
  2  usage error, or a file that cannot be read`;

interface Request {
  readonly bundle: string;
  readonly artifact: string;
  readonly identity?: { readonly issuer: string; readonly subject: string };
  readonly key?: string;
  readonly trustedRoot?: string;
}

/** Flags → a request, or a UsageError naming what is wrong. Reads no file. */
function request(argv: string[]): Request {
  const { values: v, positionals } = parse(argv, {
    bundle: { type: 'string' },
    'certificate-identity': { type: 'string' },
    'certificate-oidc-issuer': { type: 'string' },
    'trusted-root': { type: 'string' },
    key: { type: 'string' },
  });
  const [artifact, ...extra] = positionals;
  if (v.bundle === undefined) throw new UsageError('give --bundle FILE: the Sigstore bundle to verify');
  if (artifact === undefined) throw new UsageError('give the ARTIFACT the bundle signs');
  if (extra.length > 0) throw new UsageError(`one ARTIFACT only, not also "${extra[0]}"`);
  const base = {
    bundle: userPath(v.bundle),
    artifact: userPath(artifact),
    ...(v['trusted-root'] !== undefined ? { trustedRoot: userPath(v['trusted-root']) } : {}),
  };
  // key mode wins: a key-signed bundle has no certificate identity to compare
  if (v.key !== undefined) return { ...base, key: userPath(v.key) };
  const subject = v['certificate-identity'];
  const issuer = v['certificate-oidc-issuer'];
  if (subject === undefined || issuer === undefined) {
    throw new UsageError('give --certificate-identity and --certificate-oidc-issuer, or --key');
  }
  return { ...base, identity: { issuer, subject } };
}

/** Runs `verify-bundle` (argv without the command name); returns the exit code. Usage errors throw UsageError. */
export async function run(argv: string[], io: CommandIO = consoleIO): Promise<number> {
  const req = request(argv);
  let result: SigstoreBundleResult;
  try {
    result = await verifyFiles(req);
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

/** Reads the files named by `req` and verifies; throws only when a file cannot be read. */
async function verifyFiles(req: Request): Promise<SigstoreBundleResult> {
  const bundleText = await readFile(req.bundle, 'utf8');
  const artifact = await readFile(req.artifact);
  const key = req.key === undefined ? undefined : await readFile(req.key, 'utf8');
  const rootText = req.trustedRoot === undefined ? undefined : await readFile(req.trustedRoot, 'utf8');
  const { verifySigstoreBundle } = await import('../../verify/index.ts');

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
    ...(req.identity !== undefined ? { identity: req.identity } : {}),
  });
}
