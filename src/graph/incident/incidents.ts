// Stored incidents (docs/DEPLOY-GATE.md, "Incidents"): a compromise the service remembers — what it covers (artifacts,
// package version ranges, signing identities, keys: the same `Compromised` an incident trace starts from), who opened
// it and when, and who closed it. Every change writes an AuditEvent in the same statement, so the trail and the
// record cannot disagree. `source` and `reference` say where an incident came from (`manual` today; an advisory
// feed or a key revocation can record its own source and the advisory's id without a schema change).
import { randomUUID } from 'node:crypto';
import neo4j from 'neo4j-driver';
import type { GraphConnection } from '../driver.ts';
import { toGraphError } from '../errors.ts';
import { readAll, writeStatement } from '../read/query.ts';
import type { Compromised } from '../traverse/trace.ts';

export type IncidentState = 'open' | 'closed';

export interface IncidentRecord {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  /** where the incident came from: `manual` (opened through the API or CLI), or an advisory feed's name. */
  readonly source: string;
  /** the advisory's id or URL when there is one (e.g. GHSA-…, OSV-…). */
  readonly reference: string | null;
  /** what is compromised; never empty. */
  readonly covers: readonly Compromised[];
  readonly state: IncidentState;
  readonly openedAt: string;
  /** the identity of the token that opened it (`token:<digest prefix>`, or `anonymous` without API tokens). */
  readonly openedBy: string;
  readonly closedAt: string | null;
  readonly closedBy: string | null;
  readonly closeReason: string | null;
}

export interface NewIncident {
  readonly title: string;
  readonly description: string | null;
  readonly source: string;
  readonly reference: string | null;
  readonly covers: readonly Compromised[];
  readonly actor: string;
}

/** One change to a stored record: who did what, when (the audit trail of docs/DEPLOY-GATE.md). */
export interface AuditEventRecord {
  readonly id: string;
  /** `INCIDENT_OPENED`, `INCIDENT_CLOSED`. */
  readonly action: string;
  readonly actor: string;
  readonly at: string;
  /** the incident (or, later, other record) the event is about. */
  readonly subjectId: string;
  /** JSON text of what changed. */
  readonly detail: string | null;
}

const INCIDENT = `i {.id, .title, .description, .source, .reference, .covers, .state, .openedBy, .closedBy, .closeReason,
  openedAt: toString(i.openedAt), closedAt: toString(i.closedAt)}`;

function toIncident(row: Record<string, unknown>): IncidentRecord {
  return {
    id: String(row['id']),
    title: String(row['title']),
    description: (row['description'] as string | null) ?? null,
    source: String(row['source']),
    reference: (row['reference'] as string | null) ?? null,
    covers: JSON.parse(String(row['covers'])) as Compromised[],
    state: row['state'] === 'closed' ? 'closed' : 'open',
    openedAt: String(row['openedAt']),
    openedBy: String(row['openedBy']),
    closedAt: (row['closedAt'] as string | null) ?? null,
    closedBy: (row['closedBy'] as string | null) ?? null,
    closeReason: (row['closeReason'] as string | null) ?? null,
  };
}

/** Stores a new open incident and its INCIDENT_OPENED audit event, in one statement. */
export async function createIncident(graph: GraphConnection, incident: NewIncident): Promise<IncidentRecord> {
  const params = {
    id: randomUUID(),
    event: randomUUID(),
    title: incident.title,
    description: incident.description,
    source: incident.source,
    reference: incident.reference,
    covers: JSON.stringify(incident.covers),
    actor: incident.actor,
  };
  try {
    const records = await writeStatement(
      graph,
      `CREATE (i:Incident {id: $id, title: $title, description: $description, source: $source, reference: $reference,
                            covers: $covers, state: 'open', openedAt: datetime(), openedBy: $actor})
       CREATE (e:AuditEvent {id: $event, action: 'INCIDENT_OPENED', actor: $actor, at: i.openedAt, subjectId: $id,
                             detail: $covers})-[:ABOUT]->(i)
       RETURN ${INCIDENT} AS i`,
      params,
    );
    return toIncident(records[0]?.get('i') as Record<string, unknown>);
  } catch (error) {
    throw toGraphError(error, 'opening an incident');
  }
}

/**
 * Closes an open incident (and writes INCIDENT_CLOSED). `null` when there is no such incident; an incident already
 * closed is returned unchanged with `changed: false`, and no event is written.
 */
export async function closeIncident(
  graph: GraphConnection,
  id: string,
  actor: string,
  reason: string | null,
): Promise<{ incident: IncidentRecord; changed: boolean } | null> {
  try {
    const records = await writeStatement(
      graph,
      `MATCH (i:Incident {id: $id})
       WITH i, i.state = 'open' AS changed
       CALL (i, changed) {
         WITH i WHERE changed
         SET i.state = 'closed', i.closedAt = datetime(), i.closedBy = $actor, i.closeReason = $reason
         CREATE (:AuditEvent {id: $event, action: 'INCIDENT_CLOSED', actor: $actor, at: i.closedAt, subjectId: i.id,
                              detail: $detail})-[:ABOUT]->(i)
       }
       RETURN ${INCIDENT} AS i, changed`,
      { id, actor, reason, event: randomUUID(), detail: JSON.stringify({ reason }) },
    );
    const record = records[0];
    if (!record) return null;
    return { incident: toIncident(record.get('i') as Record<string, unknown>), changed: record.get('changed') === true };
  } catch (error) {
    throw toGraphError(error, 'closing an incident');
  }
}

/** One incident with its audit trail (oldest first), or null. */
export async function readIncident(
  graph: GraphConnection,
  id: string,
): Promise<{ incident: IncidentRecord; events: AuditEventRecord[] } | null> {
  const records = await readAll(
    graph,
    `MATCH (i:Incident {id: $id})
     OPTIONAL MATCH (e:AuditEvent)-[:ABOUT]->(i)
     WITH i, e ORDER BY e.at, e.action DESC
     RETURN ${INCIDENT} AS i,
            [x IN collect(e) | x {.id, .action, .actor, .subjectId, .detail, at: toString(x.at)}] AS events`,
    { id },
    'reading an incident',
  );
  const record = records[0];
  if (!record) return null;
  const events = (record.get('events') as Record<string, unknown>[]).map((e) => ({
    id: String(e['id']),
    action: String(e['action']),
    actor: String(e['actor']),
    at: String(e['at']),
    subjectId: String(e['subjectId']),
    detail: (e['detail'] as string | null) ?? null,
  }));
  return { incident: toIncident(record.get('i') as Record<string, unknown>), events };
}

/** Incidents, newest first; `state` narrows to open or closed ones. */
export async function listIncidents(
  graph: GraphConnection,
  options: { readonly state?: IncidentState; readonly limit: number },
): Promise<IncidentRecord[]> {
  const records = await readAll(
    graph,
    `MATCH (i:Incident) WHERE $state IS NULL OR i.state = $state
     WITH i ORDER BY i.openedAt DESC, i.id LIMIT $limit
     RETURN ${INCIDENT} AS i`,
    { state: options.state ?? null, limit: neo4j.int(Math.trunc(options.limit)) },
    'listing incidents',
  );
  return records.map((r) => toIncident(r.get('i') as Record<string, unknown>));
}
