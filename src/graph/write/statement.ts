// Assembles the one statement a verified attestation is written with: the Attestation node (`att`),
// then one unit subquery (`CALL () { … }`, no RETURN) per kind of fact. A unit subquery runs once for the
// single outer row whatever its UNWIND yields, so each section is independent of the others' sizes, and
// later sections see what earlier ones wrote (Cypher's read-your-writes within a statement).

export interface Section {
  readonly cypher: string;
  /** parameter names are unique across sections. */
  readonly params: Record<string, unknown>;
}

export interface Statement {
  readonly text: string;
  readonly params: Record<string, unknown>;
}

export function statement(head: string, headParams: Record<string, unknown>, sections: readonly Section[]): Statement {
  const params: Record<string, unknown> = { ...headParams };
  for (const section of sections) Object.assign(params, section.params);
  const text = [head, ...sections.map((s) => s.cypher), 'RETURN previous'].join('\n');
  let compacted = COMPACTED.get(text);
  if (compacted === undefined) {
    compacted = compact(text);
    // A handful of shapes (OMS, SLSA, cards, …) in practice; the bound only guards against the unforeseen.
    if (COMPACTED.size >= 256) COMPACTED.clear();
    COMPACTED.set(text, compacted);
  }
  return { text: compacted, params };
}

const COMPACTED = new Map<string, string>();

/**
 * The statement on one line, without `//` comments and indentation: the text travels with every attestation
 * (Bolt has no prepared statements), so every byte is paid for each time. A `//` inside a string literal stays.
 */
export function compact(cypher: string): string {
  return cypher
    .split('\n')
    .map((line) => {
      for (let at = line.indexOf('//'); at !== -1; at = line.indexOf('//', at + 2)) {
        const before = line.slice(0, at);
        if ((before.split("'").length - 1) % 2 === 0 && (before.split('"').length - 1) % 2 === 0) return before.trim();
      }
      return line.trim();
    })
    .filter((line) => line.length > 0)
    .join(' ');
}

/**
 * The tail of `MERGE (…)-[r:…]->(…)`: adds the attestation (`$digest`) to edge `r`'s evidence and sets
 * `assignments` (the edge's own properties).
 *
 * A new edge is this transaction's alone until it commits (MERGE locks both ends to create it, so a
 * concurrent MERGE waits and then finds it), so its evidence is simply set. An existing edge is a
 * read-modify-write under a lock: Neo4j reads committed data without locking, so two transactions adding
 * evidence to the same edge would both read the old list and the second commit would drop the first one's
 * digest (a lost update). Writing a property first takes the edge's write lock, held to commit; the list is
 * read only after it (the pattern in Neo4j's operations manual, "Concurrent data access").
 */
export function addEvidence(r: string, assignments: readonly string[] = []): string {
  return `ON CREATE SET ${[...assignments, `${r}.evidence = [$digest]`].join(', ')}
  ON MATCH SET ${r}._lock = true
  WITH ${r}, row WHERE ${r}._lock
  SET ${[...assignments, evidenceAssignment(r)].join(', ')}
  REMOVE ${r}._lock`;
}

/**
 * Links `(from)-[:type]->(to)` with the attestation (`$digest`) as evidence, like MERGE and the addEvidence
 * tail, but without write-locking `to`. MERGE locks both ends to create an edge, and `to` is often a hub that
 * most attestations link to — the signer's Key, the builder, a framework Package, a popular dataset or base
 * model — so every transaction would wait for the one before it to commit. Here `from` (the attestation's own
 * side: its subject, its run, the attestation) is locked instead, then the edge is looked for and created
 * only when missing. Any transaction that could create the same edge locks `from` first (this function) or
 * both ends (MERGE), so no two create it. `type` may carry identity properties (`CONTAINS {path: row.path}`);
 * `assignments(edge)` are the edge's own properties. Each (from, to) may occur only once among the UNWIND's
 * rows: a clause completes for all rows before the next begins, so the OPTIONAL MATCH would not see an edge
 * created for an earlier row.
 */
export function linkWithEvidence(
  from: string,
  type: string,
  to: string,
  assignments: (edge: string) => readonly string[] = () => [],
): string {
  return `SET ${from}._lock = true
  REMOVE ${from}._lock
  WITH *
  OPTIONAL MATCH (${from})-[r:${type}]->(${to})
  FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END |
    CREATE (${from})-[n:${type}]->(${to}) SET ${[...assignments('n'), 'n.evidence = [$digest]'].join(', ')})
  WITH r, row WHERE r IS NOT NULL
  SET r._lock = true
  WITH r, row
  SET ${[...assignments('r'), evidenceAssignment('r')].join(', ')}
  REMOVE r._lock`;
}

/** Rows with one entry per `key`, the last one winning (as consecutive MERGEs of one edge would leave it). */
export function uniqueBy<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...new Map(rows.map((row) => [key(row), row])).values()];
}

/** `r.evidence` with `$digest` added once; safe only once `r` is write-locked (see addEvidence). */
export function evidenceAssignment(r: string): string {
  return `${r}.evidence = CASE WHEN $digest IN coalesce(${r}.evidence, []) THEN ${r}.evidence ELSE coalesce(${r}.evidence, []) + $digest END`;
}
