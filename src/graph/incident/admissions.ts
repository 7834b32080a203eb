// What the admission webhook let in (docs/DEPLOY-GATE.md, "Continuous checking"): one Admission node per workload
// and model, keyed by namespace, kind, name and model digest, holding the latest time it was admitted. An incident
// opened later is matched against these by model digest.
import neo4j from 'neo4j-driver';
import type { GraphConnection } from '../driver.ts';
import { toGraphError } from '../errors.ts';
import { readAll, writeStatement } from '../read/query.ts';

export interface AdmissionRecord {
  readonly namespace: string;
  /** the workload's kind (Pod, Deployment, InferenceService, …). */
  readonly kind: string;
  readonly name: string;
  readonly modelDigest: string;
  /** the deploy policy it was admitted under. */
  readonly policy: string;
  /** `allow`, or `deny` when the webhook runs in dry-run mode and let a denied workload in. */
  readonly decision: 'allow' | 'deny';
  readonly admittedAt: string;
}

export async function recordAdmission(graph: GraphConnection, admission: Omit<AdmissionRecord, 'admittedAt'>): Promise<void> {
  const key = [admission.namespace, admission.kind, admission.name, admission.modelDigest].join('/');
  try {
    await writeStatement(
      graph,
      `MERGE (a:Admission {key: $key})
       SET a.namespace = $namespace, a.kind = $kind, a.name = $name, a.modelDigest = $modelDigest, a.policy = $policy,
           a.decision = $decision, a.admittedAt = datetime()`,
      { key, ...admission },
    );
  } catch (error) {
    throw toGraphError(error, 'recording an admission');
  }
}

/** Admitted workloads running any of these models, most recently admitted first. */
export async function admissionsOf(
  graph: GraphConnection,
  modelDigests: readonly string[],
  limit: number,
): Promise<AdmissionRecord[]> {
  if (modelDigests.length === 0) return [];
  const records = await readAll(
    graph,
    `MATCH (a:Admission) WHERE a.modelDigest IN $digests
     WITH a ORDER BY a.admittedAt DESC, a.key LIMIT $limit
     RETURN a {.namespace, .kind, .name, .modelDigest, .policy, .decision, admittedAt: toString(a.admittedAt)} AS a`,
    { digests: [...modelDigests], limit: neo4j.int(Math.trunc(limit)) },
    'reading admissions',
  );
  return records.map((r) => {
    const a = r.get('a') as Record<string, unknown>;
    return {
      namespace: String(a['namespace']),
      kind: String(a['kind']),
      name: String(a['name']),
      modelDigest: String(a['modelDigest']),
      policy: String(a['policy']),
      decision: a['decision'] === 'deny' ? 'deny' : 'allow',
      admittedAt: String(a['admittedAt']),
    };
  });
}
