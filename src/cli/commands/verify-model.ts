// `verify-model`: an OMS model signature and the model on disk, verified offline with the flags of the OMS
// conformance client protocol (sampras343/model-signing-conformance, docs/conformance_adapter_cli_protocol.md).
// `--trusted-root` is ours: the protocol assumes a client that fetches the Sigstore root; we stay offline.
// This file owns the command line (flags, messages, exit codes); what is verified is src/verify's.

import { readFile } from 'node:fs/promises';
import type { TrustPolicy, VerificationMethod } from '../../verify/index.ts';
import { parse, UsageError, userPath } from '../args.ts';
import { consoleIO, type CommandIO } from '../io.ts';

export const help = `usage: mpg verify-model --method key|certificate|sigstore --model-path PATH --bundle FILE
                        [--public-key FILE] [--cert-chain FILE...] [--identity ID --identity-provider URL]
                        [--trusted-root FILE] [--ignore-paths PATH...] [--ignore-unsigned-files]

Verifies an OpenSSF Model Signing (OMS) signature offline, then the model on disk against it: every signed
file present with its signed digest, nothing unsigned beside it. Trust comes only from the files named here,
not from the service's trust policy.

Options
  --method METHOD          key, certificate or sigstore: how the bundle is signed (see Methods)
  --model-path PATH        the model folder, or a single model file
  --bundle FILE            the signature: a Sigstore bundle (JSON), e.g. model.sig
  --public-key FILE        key: the one trusted public key, PEM ("BEGIN PUBLIC KEY", as
                           \`openssl pkey -pubout\` writes it; compressed EC points are fine)
  --cert-chain FILE...     certificate: the trusted root certificate(s), PEM, several per file allowed
  --identity ID            sigstore: the signing certificate's SAN (an email or URI), compared exactly
  --identity-provider URL  sigstore: the OIDC issuer in the signing certificate, compared exactly
  --trusted-root FILE      sigstore: the Sigstore trusted_root.json to verify under (default:
                           $SIGSTORE_TRUSTED_ROOT); nothing is fetched, so one is required
  --ignore-paths PATH...   also leave these out of the model check, besides what the signature ignores and
                           .git/, .gitattributes, .github/, .gitignore and the signature file. Relative paths
                           are relative to the model root; absolute ones count when they lie inside it
  --ignore-unsigned-files  do not fail on files that the signature does not list
  --help                   this text

Methods (the bundle must be signed the way --method says)
  key          the bundle names a public key (its hint); it must be --public-key
  certificate  the bundle carries a certificate chain. As in the Python reference (OpenSSL), it must end at a
               self-signed certificate from --cert-chain; other certificates in those files only help to build
               the path, like the bundle's own intermediates
  sigstore     keyless: a Fulcio certificate for --identity from --identity-provider, with its transparency-log
               entry, verified under --trusted-root

List options take every value up to the next option (--cert-chain a.pem b.pem), or may be repeated.
Relative FILE and PATH values (not --ignore-paths) are relative to the directory the command was run from
(under npm: $INIT_CWD).

Exit status
  0  verified; prints "verified by METHOD: N resources, root sha256:…"
  1  rejected; prints "rejected CODE: reason" (every code: docs/VERIFICATION.md), including METHOD_MISMATCH
     when the bundle is signed another way than --method says
  2  usage error, or input that cannot be used (a file that cannot be read, a key file that holds no
     public key, certificate files without a self-signed root)`;

const METHODS: Readonly<Record<string, VerificationMethod>> = { key: 'key', certificate: 'certificate', sigstore: 'keyless' };
/** The flags each --method takes, and no other method does. */
const METHOD_FLAGS: Readonly<Record<string, readonly (keyof typeof OPTIONS)[]>> = {
  key: ['public-key'],
  certificate: ['cert-chain'],
  sigstore: ['identity', 'identity-provider', 'trusted-root'],
};

const OPTIONS = {
  method: { type: 'string' },
  'model-path': { type: 'string' },
  bundle: { type: 'string' },
  'public-key': { type: 'string' },
  'cert-chain': { type: 'string', multiple: true },
  identity: { type: 'string' },
  'identity-provider': { type: 'string' },
  'trusted-root': { type: 'string' },
  'ignore-paths': { type: 'string', multiple: true },
  'ignore-unsigned-files': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

interface Request {
  readonly method: VerificationMethod;
  readonly methodName: string;
  readonly modelPath: string;
  readonly bundlePath: string;
  readonly values: Values;
}

/** Flags → a request, or a UsageError naming what is wrong. Reads no file. */
function request(argv: string[]): Request {
  const { values, positionals } = parse(argv, OPTIONS, ['cert-chain', 'ignore-paths']);
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (every value follows its option)`);
  const methodName = values.method;
  if (methodName === undefined) throw new UsageError('give --method key, certificate or sigstore');
  const method = METHODS[methodName];
  if (method === undefined) throw new UsageError(`unknown --method "${methodName}": use key, certificate or sigstore`);
  if (values['model-path'] === undefined) throw new UsageError('give --model-path: the model folder or file to check');
  if (values.bundle === undefined) throw new UsageError('give --bundle: the signature file (e.g. model.sig)');
  for (const [owner, flags] of Object.entries(METHOD_FLAGS)) {
    const stray = owner === methodName ? undefined : flags.find((flag) => values[flag] !== undefined);
    if (stray !== undefined) throw new UsageError(`--${stray} is for --method ${owner}, not --method ${methodName}`);
  }
  if (method === 'key' && values['public-key'] === undefined) {
    throw new UsageError('--method key needs --public-key FILE: the public key to trust');
  }
  if (method === 'certificate' && values['cert-chain'] === undefined) {
    throw new UsageError('--method certificate needs --cert-chain FILE...: the root certificate(s) to trust');
  }
  if (method === 'keyless') {
    if (values.identity === undefined || values['identity-provider'] === undefined) {
      throw new UsageError('--method sigstore needs --identity ID and --identity-provider URL: the signer to expect');
    }
    if (values['trusted-root'] === undefined && !process.env['SIGSTORE_TRUSTED_ROOT']) {
      throw new UsageError(
        '--method sigstore needs --trusted-root FILE (or SIGSTORE_TRUSTED_ROOT): a Sigstore trusted_root.json; nothing is fetched',
      );
    }
  }
  return { method, methodName, modelPath: userPath(values['model-path']), bundlePath: userPath(values.bundle), values };
}

/** Input that exists but cannot be used (exit 2, without the usage text). */
class InputError extends Error {}

async function readInput(flag: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read --${flag} ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The trust the flags give, from the files they name. */
async function trustFrom(req: Request): Promise<{ policy: TrustPolicy; intermediates: readonly string[] }> {
  const verify = await import('../../verify/index.ts');
  const { values } = req;
  const none = { keys: [], anchors: [], identities: [] };
  if (req.method === 'key') {
    const file = userPath(values['public-key'] as string);
    const pem = await readInput('public-key', file);
    const kind = verify.keyFileKind(pem);
    if (kind === 'certificate') {
      throw new UsageError(
        `--public-key ${file} holds a certificate, not a public key: verify a certificate-signed bundle with --method certificate --cert-chain ROOT, or extract the key (openssl x509 -pubkey -noout)`,
      );
    }
    if (kind === 'private key') {
      throw new UsageError(
        `--public-key ${file} holds a private key: give its public key (openssl pkey -pubout), and keep the private key to yourself`,
      );
    }
    if (kind !== 'public key') throw new UsageError(`--public-key ${file} holds no PEM public key ("BEGIN PUBLIC KEY")`);
    return { policy: { ...none, keys: [{ id: file, pem }] }, intermediates: [] };
  }
  if (req.method === 'certificate') {
    const files = (values['cert-chain'] ?? []).map(userPath);
    const texts = await Promise.all(files.map(async (name) => ({ name, text: await readInput('cert-chain', name) })));
    const trust = verify.trustFromChainFiles(texts);
    if (trust.unusable.length > 0) throw new UsageError(`--cert-chain: ${trust.unusable.join('; ')}`);
    if (trust.anchors.length === 0) {
      throw new UsageError(
        '--cert-chain names no self-signed root certificate: a chain must end at one, as in the reference (OpenSSL); to pin an intermediate, use a trust policy (docs/TRUST-POLICY.md)',
      );
    }
    return { policy: { ...none, anchors: trust.anchors }, intermediates: trust.intermediates };
  }
  const rootFile = userPath(values['trusted-root'] ?? (process.env['SIGSTORE_TRUSTED_ROOT'] as string));
  let sigstoreTrustedRoot: unknown;
  try {
    sigstoreTrustedRoot = JSON.parse(await readInput('trusted-root', rootFile));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`--trusted-root ${rootFile} is not JSON`);
  }
  const identities = [{ issuer: values['identity-provider'] as string, subject: values.identity as string }];
  return { policy: { ...none, identities, sigstoreTrustedRoot }, intermediates: [] };
}

/** Runs `verify-model` (argv without the command name); returns the exit code. Usage errors throw UsageError. */
export async function run(argv: string[], io: CommandIO = consoleIO): Promise<number> {
  const req = request(argv);
  try {
    return await verifyRequest(req, io);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.err(`mpg verify-model: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

async function verifyRequest(req: Request, io: CommandIO): Promise<number> {
  let bundle: Buffer;
  try {
    bundle = await readFile(req.bundlePath);
  } catch (error) {
    throw new InputError(`cannot read --bundle ${req.bundlePath}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { policy, intermediates } = await trustFrom(req);
  const verify = await import('../../verify/index.ts');
  // SECURITY: the bundle must be of the kind the caller asked to verify (OMS §11.1 "MUST match field to method").
  // Checked first so the answer names the mismatch rather than the trust material the other method lacks.
  const claimed = verify.documentMethod(bundle);
  if (claimed !== undefined && claimed !== req.method) {
    io.out(
      `rejected METHOD_MISMATCH: the bundle is signed by ${describeMethod(claimed)}, but --method ${req.methodName} was asked for.`,
    );
    return 1;
  }
  const result = await verify.verifyDocument(bundle, policy, { intermediates });
  if (result.status === 'rejected') {
    io.out(`rejected ${result.code}: ${result.message}`);
    return 1;
  }
  if (result.method !== req.method) {
    io.out(`rejected METHOD_MISMATCH: the bundle verified by ${result.method}, not by the requested ${req.methodName}.`);
    return 1;
  }
  if (result.oms === undefined || !verify.isOmsPredicateType(result.statement.predicateType)) {
    io.out(`rejected UNSUPPORTED_PREDICATE: "${result.statement.predicateType}" is not an OMS model signature.`);
    return 1;
  }
  const files = await verify.verifyModelFiles(req.modelPath, result.oms, {
    ignorePaths: req.values['ignore-paths'] ?? [],
    ignoreUnsignedFiles: req.values['ignore-unsigned-files'] === true,
    signaturePath: req.bundlePath,
  });
  if (!files.ok) {
    io.out(`rejected ${files.code}: ${files.message}`);
    return 1;
  }
  io.out(`verified by ${result.method}: ${result.oms.resources.length} resources, root sha256:${result.oms.rootDigest.hex}`);
  return 0;
}

function describeMethod(method: VerificationMethod): string {
  switch (method) {
    case 'key':
      return 'a key (--method key)';
    case 'certificate':
      return 'a certificate chain (--method certificate)';
    case 'keyless':
      return 'a Sigstore keyless certificate (--method sigstore)';
  }
}
