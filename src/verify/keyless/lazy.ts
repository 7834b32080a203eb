// Keyless verification brings @sigstore/verify and @sigstore/bundle (with the protobuf-specs types) along: loaded on
// first use, so key and certificate verification — the service's common case and `mpg verify-model --method key` —
// start without them (npm run bench -- cli-startup, docs/BENCHMARKS.md).

import type { verifyKeyless as VerifyKeyless } from './keyless.ts';
import type { verifySigstoreBundle as VerifySigstoreBundle } from './sigstore-bundle.ts';

export async function verifyKeyless(...args: Parameters<typeof VerifyKeyless>): ReturnType<typeof VerifyKeyless> {
  return (await import('./keyless.ts')).verifyKeyless(...args);
}

export async function verifySigstoreBundle(
  ...args: Parameters<typeof VerifySigstoreBundle>
): ReturnType<typeof VerifySigstoreBundle> {
  return (await import('./sigstore-bundle.ts')).verifySigstoreBundle(...args);
}
