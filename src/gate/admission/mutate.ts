// The mutating admission webhook, compatible with sigstore's model-validation-operator (docs/DEPLOY-GATE.md,
// "Beside the model-validation-operator"): a Pod labelled `validation.ml.sigstore.dev/ml: <name>` gets an init
// container that runs this project's own verifier (`mpg verify-model`) on the mounted model with the settings of the
// `ModelValidation` of that name, then asks the decision API about the root digest the verifier computed
// (`mpg decide`). The pod starts only when the files match a trusted signature AND the model's lineage is clean; a
// failure of either leaves it in Init:Error. The patch is RFC 6902 JSON Patch, as admission.k8s.io/v1 takes it.
import { z } from 'zod';
import { GateError } from '../error.ts';
import { POLICY_ANNOTATION } from './review.ts';
import { parseAdmissionReview, uidOf } from './review.ts';
import { VALIDATION_LABEL, verifyModelArgs, type ModelValidationStore } from './model-validation.ts';
import { reviewAnswer, type AdmissionOptions, type AdmissionReviewAnswer } from './validate.ts';

export const INIT_CONTAINER_NAME = 'mpg-model-gate';

export interface MutationOptions {
  readonly validations: ModelValidationStore;
  /** the verifier image (this project's image). */
  readonly image: string;
  /** how the image runs node and where the CLI is (defaults: `node`, `/app/src/cli/main.ts`, as in the Dockerfile). */
  readonly node: string;
  readonly cli: string;
  /** base URL of this service's REST API as seen from pods, for the decision. */
  readonly decisionUrl: string;
  /** a Secret holding a read token for the decision API, passed to the init container as MPG_TOKEN. */
  readonly tokenSecret: { readonly name: string; readonly key: string } | null;
  /** the Sigstore trusted_root.json path inside the verifier image (keyless ModelValidations). */
  readonly trustedRoot: string;
}

/**
 * The init container's program: verify, print the verifier's answer, take the root digest from it, then exit with
 * the decision's status (0 allowed, 3 denied). Arguments come as "$@" (never spliced into the script text), so a
 * ModelValidation's paths cannot inject shell.
 */
export const INIT_SCRIPT = `set -u
out=$("$MPG_NODE" "$MPG_CLI" verify-model "$@"); code=$?
printf '%s\\n' "$out"
[ "$code" -eq 0 ] || exit "$code"
root=$(printf '%s\\n' "$out" | sed -n 's/.* root \\(sha[0-9]*:[0-9a-f]*\\).*/\\1/p' | head -n 1)
[ -n "$root" ] || { echo "mpg-model-gate: the verifier printed no root digest" >&2; exit 1; }
exec "$MPG_NODE" "$MPG_CLI" decide "$root" --policy "$MPG_POLICY" --url "$MPG_URL"`;

const podSchema = z.object({
  metadata: z
    .object({
      namespace: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  spec: z.object({
    containers: z
      .array(
        z
          .object({ volumeMounts: z.array(z.object({ name: z.string(), mountPath: z.string() }).passthrough()).optional() })
          .passthrough(),
      )
      .min(1),
    initContainers: z.array(z.object({ name: z.string() }).passthrough()).optional(),
  }),
});

/** RFC 6902 operations, as base64 in the AdmissionReview response. */
export type JsonPatch = readonly { readonly op: 'add'; readonly path: string; readonly value: unknown }[];

function encode(patch: JsonPatch): string {
  return Buffer.from(JSON.stringify(patch)).toString('base64');
}

export async function mutateAdmission(
  body: unknown,
  options: MutationOptions,
  admission: AdmissionOptions,
): Promise<AdmissionReviewAnswer> {
  const uid = uidOf(body);
  const refuse = (message: string, code = 400): AdmissionReviewAnswer => {
    const text = `model-provenance gate: ${message}`;
    return reviewAnswer(
      admission.mode === 'warn'
        ? { uid: uid ?? '', allowed: true, warnings: [`[dry-run] would deny: ${text}`.slice(0, 250)] }
        : { uid: uid ?? '', allowed: false, status: { code, message: text } },
    );
  };
  let request;
  try {
    request = parseAdmissionReview(body);
  } catch (error) {
    if (!(error instanceof GateError) || uid === null) throw error;
    return refuse(error.message);
  }
  const skip = reviewAnswer({ uid: request.uid, allowed: true });
  if (request.kind.group !== '' || request.kind.kind !== 'Pod' || request.operation !== 'CREATE') return skip;
  const pod = podSchema.safeParse(request.object);
  if (!pod.success)
    return refuse(`malformed Pod: ${pod.error.issues.map((i) => `${i.path.join('.')} (${i.message})`).join(', ')}`);
  const name = pod.data.metadata?.labels?.[VALIDATION_LABEL];
  if (name === undefined) return skip;
  const namespace = request.namespace ?? pod.data.metadata?.namespace ?? 'default';
  if (admission.exemptNamespaces.includes(namespace)) return skip;
  if ((pod.data.spec.initContainers ?? []).some((c) => c.name === INIT_CONTAINER_NAME)) return skip;
  let validation;
  try {
    validation = options.validations.find(namespace, name);
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error), 500);
  }
  if (!validation) return refuse(`no ModelValidation ${namespace}/${name} (label ${VALIDATION_LABEL})`, 403);
  const policy = pod.data.metadata?.annotations?.[POLICY_ANNOTATION] ?? admission.defaultPolicy;
  if (policy === null) return refuse(`the pod names no deploy policy (annotation ${POLICY_ANNOTATION})`, 403);
  // The init container sees the model where the pod's containers see it: their volume mounts, each path once.
  const mounts = new Map<string, unknown>();
  for (const c of pod.data.spec.containers)
    for (const m of c.volumeMounts ?? []) if (!mounts.has(m.mountPath)) mounts.set(m.mountPath, { ...m, readOnly: true });
  const container = {
    name: INIT_CONTAINER_NAME,
    image: options.image,
    command: ['/bin/sh', '-c', INIT_SCRIPT, INIT_CONTAINER_NAME, ...verifyModelArgs(validation, options.trustedRoot)],
    env: [
      { name: 'MPG_NODE', value: options.node },
      { name: 'MPG_CLI', value: options.cli },
      { name: 'MPG_URL', value: options.decisionUrl },
      { name: 'MPG_POLICY', value: policy },
      ...(options.tokenSecret ? [{ name: 'MPG_TOKEN', valueFrom: { secretKeyRef: options.tokenSecret } }] : []),
    ],
    volumeMounts: [...mounts.values()],
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
  const patch: JsonPatch = pod.data.spec.initContainers
    ? [{ op: 'add', path: '/spec/initContainers/0', value: container }]
    : [{ op: 'add', path: '/spec/initContainers', value: [container] }];
  return reviewAnswer({ uid: request.uid, allowed: true, patchType: 'JSONPatch', patch: encode(patch) });
}
