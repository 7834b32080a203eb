// `verify-model`: the OMS conformance client protocol (sampras343/model-signing-conformance; docs/VERIFICATION.md,
// "Command line"):
//   verify-model --method key|certificate|sigstore --model-path P --bundle B [--public-key K] [--cert-chain C…]
//                [--ignore-paths I…] [--ignore-unsigned-files] [--identity ID --identity-provider URL]
//                [--trusted-root F]
// Exit 0 = verified, 1 = rejected (the reason code is printed), 2 = usage or I/O error. `--trusted-root`
// (default: $SIGSTORE_TRUSTED_ROOT) is ours: the protocol assumes a client that fetches the root; we stay offline.

import { readFileSync } from 'node:fs';
import { pemBlocks } from './policy/material.ts';
import { verifyModelFiles } from './oms/model-files.ts';
import { isOmsPredicateType } from './document/predicates.ts';
import type { TrustPolicy, VerificationMethod } from './types.ts';
import { verifyDocument } from './verify.ts';

export interface AdapterIO {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const consoleIO: AdapterIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** One-line usage, also the CLI's help text for the command. */
export const VERIFY_MODEL_HELP =
  'usage: verify-model --method key|certificate|sigstore --model-path P --bundle B [--public-key K] [--cert-chain C...] ' +
  '[--ignore-paths I...] [--ignore-unsigned-files] [--identity ID --identity-provider URL] [--trusted-root F]';

const METHODS: Readonly<Record<string, VerificationMethod>> = { key: 'key', certificate: 'certificate', sigstore: 'keyless' };
const SINGLE = new Set([
  '--method',
  '--model-path',
  '--bundle',
  '--public-key',
  '--identity',
  '--identity-provider',
  '--trusted-root',
]);
const MULTI = new Set(['--cert-chain', '--ignore-paths']);

type Args = Map<string, string[]>;

/** argparse-style: list options take every following value up to the next `--option`. */
function parse(argv: readonly string[]): Args | string {
  const args: Args = new Map();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    if (flag === '--ignore-unsigned-files') {
      args.set(flag, []);
      continue;
    }
    if (!SINGLE.has(flag) && !MULTI.has(flag)) return `unknown argument ${flag}`;
    const values: string[] = [];
    while (i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('--')) values.push(argv[++i] ?? '');
    if (values.length === 0 || (SINGLE.has(flag) && values.length > 1))
      return `${flag} needs ${SINGLE.has(flag) ? 'one value' : 'values'}`;
    args.set(flag, [...(args.get(flag) ?? []), ...values]);
  }
  return args;
}

function policyFrom(args: Args, method: VerificationMethod): TrustPolicy {
  const one = (flag: string): string | undefined => args.get(flag)?.[0];
  const keyFile = one('--public-key');
  const keys = method === 'key' && keyFile !== undefined ? [{ id: keyFile, pem: readFileSync(keyFile, 'utf8') }] : [];
  // Every certificate given is a trust anchor, as the reference loads them all into its X509Store.
  const anchors =
    method === 'certificate'
      ? (args.get('--cert-chain') ?? []).flatMap((file) =>
          pemBlocks(readFileSync(file, 'utf8'), 'CERTIFICATE').map((pem, n) => ({ id: `${file}#${n + 1}`, pem })),
        )
      : [];
  const identity = one('--identity');
  const issuer = one('--identity-provider');
  const identities =
    method === 'keyless' && identity !== undefined && issuer !== undefined ? [{ issuer, subject: identity }] : [];
  const rootFile = one('--trusted-root') ?? process.env['SIGSTORE_TRUSTED_ROOT'];
  const sigstoreTrustedRoot =
    method === 'keyless' && rootFile ? (JSON.parse(readFileSync(rootFile, 'utf8')) as unknown) : undefined;
  return { keys, anchors, identities, ...(sigstoreTrustedRoot === undefined ? {} : { sigstoreTrustedRoot }) };
}

/** Runs `verify-model` (argv without the command name) and returns the process exit code. */
export async function runVerifyModel(argv: readonly string[], io: AdapterIO = consoleIO): Promise<number> {
  const args = parse(argv);
  if (typeof args === 'string') {
    io.err(`${args}\n${VERIFY_MODEL_HELP}`);
    return 2;
  }
  const method = METHODS[args.get('--method')?.[0] ?? ''];
  const modelPath = args.get('--model-path')?.[0];
  const bundlePath = args.get('--bundle')?.[0];
  if (method === undefined || modelPath === undefined || bundlePath === undefined) {
    io.err(VERIFY_MODEL_HELP);
    return 2;
  }
  let bundle: Buffer;
  let policy: TrustPolicy;
  try {
    bundle = readFileSync(bundlePath);
    policy = policyFrom(args, method);
  } catch (err) {
    io.err(`verify-model: ${(err as Error).message}`);
    return 2;
  }
  const result = await verifyDocument(bundle, policy);
  if (result.status === 'rejected') {
    io.out(`rejected ${result.code}: ${result.message}`);
    return 1;
  }
  // SECURITY: the bundle must be of the kind the caller asked to verify (OMS §11.1 "MUST match field to method").
  if (result.method !== method) {
    io.out(`rejected METHOD_MISMATCH: the bundle verified by ${result.method}, not by the requested ${method}.`);
    return 1;
  }
  if (result.oms === undefined || !isOmsPredicateType(result.statement.predicateType)) {
    io.out(`rejected UNSUPPORTED_PREDICATE: "${result.statement.predicateType}" is not an OMS model signature.`);
    return 1;
  }
  const files = await verifyModelFiles(modelPath, result.oms, {
    ignorePaths: args.get('--ignore-paths') ?? [],
    ignoreUnsignedFiles: args.has('--ignore-unsigned-files'),
    signaturePath: bundlePath,
  });
  if (!files.ok) {
    io.out(`rejected ${files.code}: ${files.message}`);
    return 1;
  }
  io.out(`verified by ${result.method}: ${result.oms.resources.length} resources, root sha256:${result.oms.rootDigest.hex}`);
  return 0;
}
