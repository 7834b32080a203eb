// `verify-model`: the OMS conformance-suite client protocol, implemented by src/verify.
import { runVerifyModel, VERIFY_MODEL_HELP } from '../../verify/index.ts';

export const help = VERIFY_MODEL_HELP;

export function run(argv: string[]): Promise<number> {
  return runVerifyModel(argv);
}
