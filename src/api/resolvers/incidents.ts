// Query.incidents, Query.incident and the incident mutations (docs/DEPLOY-GATE.md, "Incidents"). Mutations need the
// ingest role; the caller's token identity is recorded in the audit event.
import {
  GateError,
  affectedWorkloads,
  closeIncident as closeStored,
  getIncident,
  listIncidents,
  openIncident as openStored,
} from '../../gate/index.ts';
import type { AuditEventRecord, IncidentRecord } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { ApiError } from '../errors.ts';
import type { AdmittedWorkload, Incident, IncidentCover, MutationResolvers } from './schema-types.ts';
import { parseDepth } from './depth.ts';
import type { QueryArgs } from './views.ts';

type MutationArgs<F extends keyof MutationResolvers> = Parameters<
  Extract<NonNullable<MutationResolvers[F]>, (...args: never[]) => unknown>
>[1];

function coverObject(cover: IncidentRecord['covers'][number]): IncidentCover {
  const none = { digest: null, purl: null, versionRange: null, issuer: null, subject: null, fingerprint: null };
  switch (cover.kind) {
    case 'artifact':
      return { ...none, kind: 'ARTIFACT', digest: cover.digest };
    case 'package':
      return { ...none, kind: 'PACKAGE', purl: cover.purl, versionRange: cover.versionRange ?? null };
    case 'identity':
      return { ...none, kind: 'IDENTITY', issuer: cover.issuer, subject: cover.subject };
    case 'key':
      return { ...none, kind: 'KEY', fingerprint: cover.fingerprint };
  }
}

function incidentObject(incident: IncidentRecord, events: readonly AuditEventRecord[] = []): Incident {
  return {
    ...incident,
    state: incident.state === 'open' ? 'OPEN' : 'CLOSED',
    covers: incident.covers.map(coverObject),
    events: [...events],
  };
}

/** GraphQL gives absent optional input fields as null; the incident body (gate) takes them absent. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function caller(context: ApiContext): string {
  if (!context.caller?.mayIngest) throw new ApiError('FORBIDDEN', 'changing incidents needs a token with the ingest role');
  return context.caller.identity;
}

export async function incidents(_: unknown, args: QueryArgs<'incidents'>, context: ApiContext): Promise<Incident[]> {
  const list = await listIncidents(context.graph, {
    ...(args.state ? { state: args.state === 'OPEN' ? 'open' : 'closed' } : {}),
    limit: Math.min(Math.max(args.first, 1), 1000),
  });
  return list.map((i) => incidentObject(i));
}

export async function incident(_: unknown, args: QueryArgs<'incident'>, context: ApiContext): Promise<Incident | null> {
  if (!/^[0-9a-f-]{36}$/.test(args.id)) return null;
  try {
    const found = await getIncident(context.graph, args.id);
    return incidentObject(found.incident, found.events);
  } catch (error) {
    if (error instanceof GateError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

export async function openIncident(_: unknown, args: MutationArgs<'openIncident'>, context: ApiContext): Promise<Incident> {
  const actor = caller(context);
  const opened = await openStored(context.graph, withoutNulls(args.input), actor);
  return incidentObject(opened, (await getIncident(context.graph, opened.id)).events);
}

export async function closeIncident(_: unknown, args: MutationArgs<'closeIncident'>, context: ApiContext): Promise<Incident> {
  const actor = caller(context);
  const closed = await closeStored(context.graph, args.id, args.reason ? { reason: args.reason } : {}, actor);
  return incidentObject(closed.incident, (await getIncident(context.graph, args.id)).events);
}

export async function incidentWorkloads(
  _: unknown,
  args: QueryArgs<'incidentWorkloads'>,
  context: ApiContext,
): Promise<AdmittedWorkload[]> {
  const found = await affectedWorkloads(context.graph, args.id, {
    maxDepth: parseDepth(args.maxDepth),
    limit: Math.min(Math.max(args.first, 1), 1000),
  });
  return found.workloads.map((w) => ({ ...w, decision: w.decision.toUpperCase() }));
}
