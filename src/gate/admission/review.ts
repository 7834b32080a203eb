// Kubernetes `admission.k8s.io/v1` AdmissionReview requests (docs/DEPLOY-GATE.md, "Kubernetes admission"), parsed
// once with zod: only the members the gate reads are checked, the rest of Kubernetes' request is left alone (the API
// server sends more than any one webhook needs). What model a workload runs is read from the annotations this
// service defines — on the object, or on its pod template — or, for a KServe InferenceService, from its storageUri.
import { z } from 'zod';
import { describeIssues, GateError } from '../error.ts';

/** The annotations a workload names its model and deploy policy with. */
export const MODEL_ANNOTATION = 'gate.mpg.dev/model';
export const POLICY_ANNOTATION = 'gate.mpg.dev/policy';

const meta = z
  .object({
    name: z.string().optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .optional();

const reviewSchema = z.object({
  apiVersion: z.literal('admission.k8s.io/v1'),
  kind: z.literal('AdmissionReview'),
  request: z.object({
    uid: z.string().min(1).max(256),
    kind: z.object({ group: z.string(), version: z.string(), kind: z.string() }),
    namespace: z.string().optional(),
    name: z.string().optional(),
    operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
    dryRun: z.boolean().optional(),
    object: z.record(z.string(), z.unknown()).nullable().optional(),
  }),
});

export type AdmissionRequest = z.infer<typeof reviewSchema>['request'];

/** Throws GateError INVALID_INPUT naming every bad member when the body is not an AdmissionReview v1 request. */
export function parseAdmissionReview(body: unknown): AdmissionRequest {
  const parsed = reviewSchema.safeParse(body);
  if (!parsed.success)
    throw new GateError('INVALID_INPUT', `not an admission.k8s.io/v1 AdmissionReview: ${describeIssues(parsed.error)}`);
  return parsed.data.request;
}

/** The request uid of a body, when it has one, so that even a malformed review gets an answer the API server reads. */
export function uidOf(body: unknown): string | null {
  const uid = (body as { request?: { uid?: unknown } } | null)?.request?.uid;
  return typeof uid === 'string' && uid.length > 0 && uid.length <= 256 ? uid : null;
}

/** The kinds the gate reviews, by group/kind, and where each keeps its pod template's metadata. */
const TEMPLATE_PATH: Record<string, readonly string[] | null> = {
  '/Pod': null,
  'apps/Deployment': ['spec', 'template', 'metadata'],
  'apps/StatefulSet': ['spec', 'template', 'metadata'],
  'apps/DaemonSet': ['spec', 'template', 'metadata'],
  'apps/ReplicaSet': ['spec', 'template', 'metadata'],
  'batch/Job': ['spec', 'template', 'metadata'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
  'serving.kserve.io/InferenceService': null,
};

export function isReviewedKind(request: AdmissionRequest): boolean {
  return `${request.kind.group}/${request.kind.kind}` in TEMPLATE_PATH;
}

function at(value: unknown, path: readonly string[]): unknown {
  let cursor = value;
  for (const key of path)
    cursor = cursor !== null && typeof cursor === 'object' ? (cursor as Record<string, unknown>)[key] : undefined;
  return cursor;
}

export interface Workload {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  /** the model reference, or null when the workload names none. */
  readonly model: string | null;
  /** the deploy policy it asks for (annotation), or null for the configured default. */
  readonly policy: string | null;
}

/** What workload this is and which model it runs; throws GateError INVALID_INPUT when the object is malformed. */
export function workloadOf(request: AdmissionRequest): Workload {
  const object = request.object ?? {};
  const metadata = meta.safeParse(object['metadata']);
  if (!metadata.success) throw new GateError('INVALID_INPUT', `object.metadata: ${describeIssues(metadata.error)}`);
  const key = `${request.kind.group}/${request.kind.kind}`;
  const templatePath = TEMPLATE_PATH[key];
  const template = templatePath ? meta.safeParse(at(object, templatePath)) : null;
  if (template && !template.success)
    throw new GateError('INVALID_INPUT', `${templatePath?.join('.')}: ${describeIssues(template.error)}`);
  // The object's own annotations win over its pod template's.
  const annotations = { ...(template?.data?.annotations ?? {}), ...(metadata.data?.annotations ?? {}) };
  let model = annotations[MODEL_ANNOTATION] ?? null;
  if (model === null && key === 'serving.kserve.io/InferenceService') {
    // KServe v1beta1: spec.predictor.model.storageUri, or the older per-framework spec.predictor.<framework>.storageUri.
    const predictor = at(object, ['spec', 'predictor']);
    const direct = at(predictor, ['model', 'storageUri']);
    const framework =
      predictor !== null && typeof predictor === 'object'
        ? Object.values(predictor as Record<string, unknown>)
            .map((v) => at(v, ['storageUri']))
            .find((v) => typeof v === 'string')
        : undefined;
    const uri = direct ?? framework;
    if (uri !== undefined && typeof uri !== 'string')
      throw new GateError('INVALID_INPUT', 'spec.predictor.model.storageUri must be a string');
    model = uri ?? null;
  }
  return {
    namespace: request.namespace ?? metadata.data?.namespace ?? 'default',
    kind: request.kind.kind,
    name: request.name ?? metadata.data?.name ?? metadata.data?.generateName ?? '(unnamed)',
    model,
    policy: annotations[POLICY_ANNOTATION] ?? null,
  };
}
