// `verify-bundle`: generic Sigstore bundle verification (the sigstore-conformance client protocol).
import { runVerifyBundle, VERIFY_BUNDLE_HELP } from '../../verify/index.ts';

export const help = VERIFY_BUNDLE_HELP;

export function run(argv: string[]): Promise<number> {
  return runVerifyBundle(argv);
}
