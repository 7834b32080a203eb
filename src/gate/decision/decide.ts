// A deployment decision (docs/DEPLOY-GATE.md, "Decisions"): resolve the reference to one model the graph knows, read
// what is upstream of it and the open incidents, and apply the named deploy policy — every rule, so the answer lists
// every reason, not just the first failure. A reference the graph cannot tie to a model is denied with that reason.
import { z } from 'zod';
import {
  listIncidents,
  readBomSubject,
  readUpstreamEvidence,
  resolveReference,
  type GraphConnection,
  type ResolvedReference,
} from '../../graph/index.ts';
import { describeIssues, GateError } from '../error.ts';
import type { DeployPolicies } from '../policy/deploy-policy.ts';
import { reason, type Decision, type Reason } from './decision.ts';
import { incidentReasons } from './incident-match.ts';
import { parseModelReference } from './reference.ts';
import { ageRule, evaluationRules, licenseRule, provenanceRule, signatureRule } from './rules.ts';

const DEFAULT_DEPTH = 10;
/** Open incidents read per decision; more than this at once is refused rather than half-checked. */
const MAX_OPEN_INCIDENTS = 10_000;

export const decisionRequestSchema = z.strictObject({ model: z.string().min(1).max(2000), policy: z.string().min(1).max(63) });
export type DecisionRequest = z.infer<typeof decisionRequestSchema>;

export function parseDecisionRequest(body: unknown): DecisionRequest {
  const parsed = decisionRequestSchema.safeParse(body);
  if (!parsed.success) throw new GateError('INVALID_INPUT', `decision request: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export async function decide(
  graph: GraphConnection,
  policies: DeployPolicies,
  request: DecisionRequest,
  now: Date = new Date(),
): Promise<Decision> {
  const policy = policies.get(request.policy);
  if (!policy)
    throw new GateError(
      'UNKNOWN_POLICY',
      `no deploy policy named ${request.policy} (known: ${policies.names.join(', ') || 'none'})`,
    );
  const answer = (model: string | null, reasons: Reason[]): Decision => ({
    allowed: reasons.every((r) => r.passed),
    reference: request.model,
    model,
    policy: policy.name,
    reasons: [...reasons.filter((r) => !r.passed), ...reasons.filter((r) => r.passed)],
    decidedAt: now.toISOString(),
  });

  let reference;
  try {
    reference = parseModelReference(request.model);
  } catch (error) {
    if (!(error instanceof GateError)) throw error;
    return answer(null, [reason('REFERENCE', false, error.message)]);
  }
  const depth = policy.upstreamDepth ?? DEFAULT_DEPTH;
  const needsBom = Boolean(policy.provenance || policy.licenses || policy.evaluations);
  // Everything a decision reads about one model, in parallel.
  const gather = (digest: string) =>
    Promise.all([
      readUpstreamEvidence(graph, digest, depth),
      needsBom ? readBomSubject(graph, digest) : Promise.resolve(null),
      listIncidents(graph, { state: 'open', limit: MAX_OPEN_INCIDENTS + 1 }),
    ]);
  // A model's own digest (the usual reference) needs no look-up first: its upstream tree says it is a model.
  const direct =
    reference.names.length === 0 && reference.digests.length === 1 ? await gather(reference.digests[0] as string) : null;
  const directModel = direct?.[0]?.tree.nodes.get(direct[0].tree.starts[0] ?? '')?.kind === 'MODEL';
  let model: string;
  let via: ResolvedReference | undefined;
  let gathered: Awaited<ReturnType<typeof gather>>;
  if (direct && directModel) {
    model = reference.digests[0] as string;
    gathered = direct;
  } else {
    const resolved = await resolveReference(graph, reference);
    const models = [...new Set(resolved.map((r) => r.model))];
    if (models.length !== 1) {
      return answer(null, [
        reason(
          'REFERENCE',
          false,
          models.length === 0
            ? `the graph knows no model by ${reference.text}`
            : `${reference.text} names ${models.length} models (${models.join(', ')}); deploy one by digest`,
        ),
      ]);
    }
    model = models[0] as string;
    via = resolved.find((r) => r.model === model);
    gathered = await gather(model);
  }
  const [upstream, bom, incidents] = gathered;
  if (incidents.length > MAX_OPEN_INCIDENTS)
    throw new GateError('INVALID_INPUT', `more than ${MAX_OPEN_INCIDENTS} open incidents: close some before deciding`);
  if (!upstream) return answer(null, [reason('REFERENCE', false, `the graph knows no model by ${reference.text}`)]);
  const own = upstream.attestations.get(upstream.tree.starts[0] ?? '') ?? [];
  const reasons: Reason[] = [];
  if (via && via.model !== reference.text)
    reasons.push(
      reason('REFERENCE', true, `${reference.text} resolved to model ${model} (via ${via.via.join(', ')} of ${via.artifact})`),
    );
  for (const r of [
    signatureRule(policy, own),
    provenanceRule(policy, own, bom),
    licenseRule(policy, bom),
    ...evaluationRules(policy, bom),
    ageRule(policy, own, now),
    ...incidentReasons(upstream, incidents, depth),
  ])
    if (r) reasons.push(r);
  return answer(model, reasons);
}
