// The validating admission webhook (docs/DEPLOY-GATE.md, "Kubernetes admission"): an AdmissionReview v1 in, an
// AdmissionReview v1 out with `allowed` and the decision's reasons in `status.message`. Fail closed by default: a
// malformed object, an unknown policy, an unusable policy file, an unreachable graph or a decision that does not come
// within the timeout all deny. In warn (dry-run) mode the same answers allow, with the reasons as warnings. Admitted
// workloads are remembered (namespace, kind, name, model digest, time) so that an incident opened later can name them.
import { recordAdmission, withQueryScope, type GraphConnection } from '../../graph/index.ts';
import { decide } from '../decision/decide.ts';
import type { Decision } from '../decision/decision.ts';
import { GateError } from '../error.ts';
import type { DeployPolicies } from '../policy/deploy-policy.ts';
import { isReviewedKind, parseAdmissionReview, uidOf, workloadOf, POLICY_ANNOTATION, type Workload } from './review.ts';

export interface AdmissionOptions {
  /** `enforce` denies; `warn` (dry-run) admits everything and returns what it would have denied as warnings. */
  readonly mode: 'enforce' | 'warn';
  /** the deploy policy for workloads that do not name one (annotation gate.mpg.dev/policy); null = they are denied. */
  readonly defaultPolicy: string | null;
  /** ms a decision may take before the review is answered without one (well under the API server's 10 s). */
  readonly timeoutMs: number;
  /** namespaces never reviewed (besides the webhook configuration's namespaceSelector opt-out label). */
  readonly exemptNamespaces: readonly string[];
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly message: string };
  readonly warnings?: readonly string[];
  readonly patchType?: 'JSONPatch';
  /** base64 of the RFC 6902 JSON Patch (mutating webhook only). */
  readonly patch?: string;
}

export interface AdmissionReviewAnswer {
  readonly apiVersion: 'admission.k8s.io/v1';
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponse;
}

/** Kubernetes shows status.message to the user; keep it readable and bounded. */
const MAX_MESSAGE = 2000;
/** Kubernetes truncates each warning to 256 characters and caps their total. */
const MAX_WARNING = 250;

export const reviewAnswer = (response: AdmissionResponse): AdmissionReviewAnswer => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  response,
});

function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Allowed, or the refusal — which in warn mode is an admission with warnings. */
function refuse(uid: string, options: AdmissionOptions, code: number, reasons: readonly string[]): AdmissionResponse {
  const message = clip(`model-provenance gate: ${reasons.join('; ')}`, MAX_MESSAGE);
  if (options.mode === 'warn')
    return { uid, allowed: true, warnings: [clip(`[dry-run] would deny: ${reasons.join('; ')}`, MAX_WARNING)] };
  return { uid, allowed: false, status: { code, message } };
}

function denial(decision: Decision): string[] {
  const failed = decision.reasons.filter((r) => !r.passed);
  return [
    `${decision.model ?? decision.reference} is denied under deploy policy ${decision.policy}`,
    ...failed.map((r) => `${r.rule}: ${r.message}${r.attestations.length > 0 ? ` [evidence ${r.attestations.join(', ')}]` : ''}`),
  ];
}

/** Runs `work` under a deadline: its Neo4j queries are stopped at the deadline too. */
async function withinDeadline<T>(timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no decision within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([withQueryScope({ deadline: Date.now() + timeoutMs, signal: controller.signal }, work), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The workload the review is about, or null when the gate has nothing to say (allowed without a decision). */
function reviewed(
  body: unknown,
  options: AdmissionOptions,
): { uid: string; workload: Workload; dryRun: boolean } | AdmissionResponse {
  const uid = uidOf(body);
  let request;
  try {
    request = parseAdmissionReview(body);
  } catch (error) {
    // Without a uid there is nothing the API server could match an answer to: the caller answers 400.
    if (!(error instanceof GateError) || uid === null) throw error;
    return refuse(uid, options, 400, [error.message]);
  }
  const skip = { uid: request.uid, allowed: true };
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return skip;
  if (!isReviewedKind(request)) return skip;
  if (request.namespace && options.exemptNamespaces.includes(request.namespace)) return skip;
  try {
    return { uid: request.uid, workload: workloadOf(request), dryRun: request.dryRun === true };
  } catch (error) {
    if (!(error instanceof GateError)) throw error;
    return refuse(request.uid, options, 400, [`malformed ${request.kind.kind}: ${error.message}`]);
  }
}

export interface ValidatedAdmission {
  readonly answer: AdmissionReviewAnswer;
  /** the decision, when one was made. */
  readonly decision: Decision | null;
  readonly workload: Workload | null;
}

export async function validateAdmission(
  graph: GraphConnection,
  policies: () => DeployPolicies,
  body: unknown,
  options: AdmissionOptions,
): Promise<ValidatedAdmission> {
  const found = reviewed(body, options);
  if (!('workload' in found)) return { answer: reviewAnswer(found), decision: null, workload: null };
  const { uid, workload, dryRun } = found;
  // A workload that names no model is not the gate's to judge.
  if (workload.model === null) return { answer: reviewAnswer({ uid, allowed: true }), decision: null, workload };
  const policy = workload.policy ?? options.defaultPolicy;
  if (policy === null)
    return {
      answer: reviewAnswer(
        refuse(uid, options, 403, [`${workload.kind} ${workload.name} names no deploy policy (annotation ${POLICY_ANNOTATION})`]),
      ),
      decision: null,
      workload,
    };
  let decision: Decision;
  try {
    decision = await withinDeadline(options.timeoutMs, () =>
      decide(graph, policies(), { model: workload.model as string, policy }),
    );
  } catch (error) {
    // Fail closed: no decision is a denial (an admission in warn mode), with why.
    const why = error instanceof Error ? error.message : String(error);
    const code = error instanceof GateError && error.code === 'UNKNOWN_POLICY' ? 403 : 500;
    return {
      answer: reviewAnswer(refuse(uid, options, code, [`no decision for ${workload.model}: ${why}`])),
      decision: null,
      workload,
    };
  }
  const response = decision.allowed ? { uid, allowed: true } : refuse(uid, options, 403, denial(decision));
  if (response.allowed && !dryRun && decision.model !== null) {
    try {
      await recordAdmission(graph, {
        namespace: workload.namespace,
        kind: workload.kind,
        name: workload.name,
        modelDigest: decision.model,
        policy: decision.policy,
        decision: decision.allowed ? 'allow' : 'deny',
      });
    } catch (error) {
      // What is admitted must be remembered, or a later incident could not name it: not remembered, not admitted.
      const why = error instanceof Error ? error.message : String(error);
      return { answer: reviewAnswer(refuse(uid, options, 500, [`cannot record the admission: ${why}`])), decision, workload };
    }
  }
  return { answer: reviewAnswer(response), decision, workload };
}
