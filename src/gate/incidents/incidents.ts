// Incidents as the API and CLI see them (docs/DEPLOY-GATE.md, "Incidents"): the request bodies parsed once here with
// zod, the stored record in the graph (graph/incident), and continuous checking — which admitted workloads run a
// model an incident affects, found with the incident trace (`traceIncident`) of each thing it covers.
import { z } from 'zod';
import {
  admissionsOf,
  closeIncident as closeStored,
  createIncident,
  listIncidents as listStored,
  readIncident,
  traceIncident,
  type AdmissionRecord,
  type AuditEventRecord,
  type Compromised,
  type GraphConnection,
  type IncidentRecord,
  type IncidentState,
} from '../../graph/index.ts';
import { describeIssues, GateError } from '../error.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const digest = z.string().regex(/^[a-z0-9-]+:[0-9a-f]{32,}$/, 'expected algorithm:hex in lower case');

/** One compromised thing, in the shape of GraphQL's CompromisedInput: exactly one member. */
const coverSchema = z.union([
  z.strictObject({ artifact: digest }),
  z.strictObject({
    package: z.strictObject({
      purl: z.string().regex(/^pkg:[a-z0-9.+-]+\/.+/i, 'expected a purl'),
      versionRange: text(200).optional(),
    }),
  }),
  z.strictObject({ identity: z.strictObject({ issuer: text(500), subject: text(500) }) }),
  z.strictObject({ key: z.string().regex(/^[0-9a-f]{64}$/, 'expected the lower-case hex SHA-256 of the key') }),
]);

export const openIncidentSchema = z.strictObject({
  title: text(200),
  description: text(10_000).optional(),
  source: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, 'lower-case letters, digits, . _ -')
    .optional(),
  reference: text(500).optional(),
  covers: z.array(coverSchema).min(1).max(100),
});

export const closeIncidentSchema = z.strictObject({ reason: text(2000).optional() });

export type OpenIncidentInput = z.infer<typeof openIncidentSchema>;
export type IncidentCoverInput = z.infer<typeof coverSchema>;

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new GateError('INVALID_INPUT', `${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function toCompromised(cover: IncidentCoverInput): Compromised {
  if ('artifact' in cover) return { kind: 'artifact', digest: cover.artifact };
  if ('package' in cover)
    return {
      kind: 'package',
      purl: cover.package.purl,
      ...(cover.package.versionRange ? { versionRange: cover.package.versionRange } : {}),
    };
  if ('identity' in cover) return { kind: 'identity', issuer: cover.identity.issuer, subject: cover.identity.subject };
  return { kind: 'key', fingerprint: cover.key };
}

/** Opens an incident from an untrusted request body; `actor` is the caller's token identity. */
export async function openIncident(graph: GraphConnection, body: unknown, actor: string): Promise<IncidentRecord> {
  const input = parse(openIncidentSchema, body, 'incident');
  return createIncident(graph, {
    title: input.title,
    description: input.description ?? null,
    source: input.source ?? 'manual',
    reference: input.reference ?? null,
    covers: input.covers.map(toCompromised),
    actor,
  });
}

export async function closeIncident(
  graph: GraphConnection,
  id: string,
  body: unknown,
  actor: string,
): Promise<{ incident: IncidentRecord; changed: boolean }> {
  const input = parse(closeIncidentSchema, body ?? {}, 'close');
  const closed = await closeStored(graph, id, actor, input.reason ?? null);
  if (!closed) throw new GateError('NOT_FOUND', `no incident ${id}`);
  return closed;
}

export async function getIncident(
  graph: GraphConnection,
  id: string,
): Promise<{ incident: IncidentRecord; events: AuditEventRecord[] }> {
  const found = await readIncident(graph, id);
  if (!found) throw new GateError('NOT_FOUND', `no incident ${id}`);
  return found;
}

export async function listIncidents(
  graph: GraphConnection,
  options: { readonly state?: IncidentState; readonly limit: number },
): Promise<IncidentRecord[]> {
  return listStored(graph, options);
}

/** Workloads the admission webhook let in whose model an incident covers or lies downstream of what it covers. */
export interface AffectedWorkloads {
  readonly incident: IncidentRecord;
  /** models affected by the incident that some admitted workload runs. */
  readonly workloads: readonly AdmissionRecord[];
}

export async function affectedWorkloads(
  graph: GraphConnection,
  id: string,
  options: { readonly maxDepth: number; readonly limit: number },
): Promise<AffectedWorkloads> {
  const { incident } = await getIncident(graph, id);
  const models = new Set<string>();
  for (const cover of incident.covers) {
    // A covered artifact is itself affected (a trace lists only what depends on it).
    if (cover.kind === 'artifact') models.add(cover.digest);
    const trace = await traceIncident(graph, cover, { maxDepth: options.maxDepth, verifiedOnly: false, kinds: ['MODEL'] });
    for (const a of trace.affected) models.add(a.node.key);
  }
  return { incident, workloads: await admissionsOf(graph, [...models], options.limit) };
}
