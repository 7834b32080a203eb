// sigstore's model-validation-operator resources, read so that this service can stand in for (or beside) it
// (docs/DEPLOY-GATE.md, "Beside the model-validation-operator"): a pod labelled
// `validation.ml.sigstore.dev/ml: <name>` is validated with the `ModelValidation` (`ml.sigstore.dev/v1alpha1`) of
// that name in its namespace. The resources come from a mounted copy (`kubectl get modelvalidations -A -o json`, a
// List, or a plain array), re-read when the file changes.
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { describeIssues, GateError } from '../error.ts';

export const VALIDATION_LABEL = 'validation.ml.sigstore.dev/ml';

const text = z.string().min(1);
const modelValidationSchema = z.object({
  apiVersion: z.literal('ml.sigstore.dev/v1alpha1'),
  kind: z.literal('ModelValidation'),
  metadata: z.object({ name: text, namespace: text.default('default') }),
  spec: z.object({
    model: z.object({ path: text, signaturePath: text }),
    config: z
      .object({
        sigstoreConfig: z.object({ certificateIdentity: text, certificateOidcIssuer: text }).optional(),
        pkiConfig: z.object({ certificateAuthority: text }).optional(),
        privateKeyConfig: z.object({ keyPath: text }).optional(),
      })
      .refine((c) => [c.sigstoreConfig, c.pkiConfig, c.privateKeyConfig].filter(Boolean).length === 1, {
        message: 'give exactly one of sigstoreConfig, pkiConfig, privateKeyConfig',
      }),
  }),
});

export type ModelValidation = z.infer<typeof modelValidationSchema>;

const fileSchema = z.union([z.object({ items: z.array(modelValidationSchema) }), z.array(modelValidationSchema)]);

/** The mounted resources, re-read when the file's stat changes; a bad file is an error (fail closed), never "none". */
export class ModelValidationStore {
  readonly #file: string;
  #stamp = '';
  #byKey = new Map<string, ModelValidation>();

  constructor(file: string) {
    this.#file = file;
  }

  find(namespace: string, name: string): ModelValidation | undefined {
    this.#refresh();
    return this.#byKey.get(`${namespace}/${name}`);
  }

  #refresh(): void {
    let stamp: string;
    try {
      const s = statSync(this.#file, { bigint: true });
      stamp = `${s.mtimeNs}:${s.ctimeNs}:${s.size}:${s.ino}`;
    } catch (error) {
      throw new GateError('POLICY_UNREADABLE', `cannot read the ModelValidation file ${this.#file}: ${(error as Error).message}`);
    }
    if (stamp === this.#stamp) return;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.#file, 'utf8'));
    } catch (error) {
      throw new GateError('POLICY_INVALID', `${this.#file}: not JSON: ${(error as Error).message}`);
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) throw new GateError('POLICY_INVALID', `${this.#file}: ${describeIssues(parsed.error)}`);
    const items = Array.isArray(parsed.data) ? parsed.data : parsed.data.items;
    this.#byKey = new Map(items.map((mv) => [`${mv.metadata.namespace}/${mv.metadata.name}`, mv]));
    this.#stamp = stamp;
  }
}

/** The `mpg verify-model` arguments that check what a ModelValidation asks for. */
export function verifyModelArgs(mv: ModelValidation, trustedRoot: string): string[] {
  const { model, config } = mv.spec;
  const base = ['--model-path', model.path, '--bundle', model.signaturePath];
  if (config.privateKeyConfig) return ['--method', 'key', ...base, '--public-key', config.privateKeyConfig.keyPath];
  if (config.pkiConfig) return ['--method', 'certificate', ...base, '--cert-chain', config.pkiConfig.certificateAuthority];
  const sigstore = config.sigstoreConfig as NonNullable<typeof config.sigstoreConfig>;
  return [
    '--method',
    'sigstore',
    ...base,
    '--identity',
    sigstore.certificateIdentity,
    '--identity-provider',
    sigstore.certificateOidcIssuer,
    '--trusted-root',
    trustedRoot,
  ];
}
