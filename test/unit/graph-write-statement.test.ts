// The one-statement write of a verified attestation, checked as text without a database (the integration
// tests check its behaviour on a real Neo4j: crash.test.ts, outage.test.ts, lineage-scenario.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttestationFacts } from '../../src/graph/index.ts';
import { verifiedStatement } from '../../src/graph/write/attestation.ts';
import { compact, linkWithEvidence, uniqueBy } from '../../src/graph/write/statement.ts';

const ROOT = `sha256:${'a'.repeat(64)}`;
const FILE = `sha256:${'b'.repeat(64)}`;

const omsFacts: AttestationFacts = {
  attestation: {
    digest: `sha256:${'c'.repeat(64)}`,
    predicateType: 'https://model_signing/signature/v1.0',
    status: 'verified',
    reasonCode: null,
    reason: null,
    method: 'key',
    signer: { kind: 'key', fingerprint: 'd'.repeat(64) },
    origin: 'test',
    collector: 'unit',
    receivedAt: '2026-11-22T00:00:00Z',
    document: '{}',
    claimedSubjects: [ROOT],
  },
  artifacts: [
    { digest: ROOT, labels: ['SignedRoot'], name: 'model' },
    { digest: FILE, labels: ['File'] },
  ],
  // the same file listed twice: one edge, one row
  contains: [
    { parent: ROOT, child: FILE, path: 'weights.bin' },
    { parent: ROOT, child: FILE, path: 'weights.bin' },
  ],
  attests: [ROOT, ROOT],
};

describe('write statement', () => {
  it('compacts Cypher to one line without comments, keeping // inside string literals', () => {
    assert.equal(
      compact("MATCH (n)\n  // a comment\n  WHERE n.url = 'https://x' // trailing\n  RETURN n"),
      "MATCH (n) WHERE n.url = 'https://x' RETURN n",
    );
  });

  it('writes a verified OMS attestation as one single-line statement that does not MERGE its edges (which would lock the shared Key)', () => {
    const { text, params } = verifiedStatement(omsFacts);
    assert.ok(!text.includes('\n'));
    assert.match(text, /^MERGE \(att:Attestation \{digest: \$digest\}\)/);
    assert.match(text, /RETURN previous$/);
    // SIGNED_BY, ATTESTS and CONTAINS are created when missing, under a lock on the attestation's own side
    assert.doesNotMatch(text, /MERGE \((att|p)\)-\[/);
    assert.match(
      text,
      /OPTIONAL MATCH \(att\)-\[s:SIGNED_BY\]->\(k\) WITH att, k WHERE s IS NULL CREATE \(att\)-\[:SIGNED_BY\]->\(k\)/,
    );
    assert.equal((params['contains'] as unknown[]).length, 1);
    assert.deepEqual(params['attests'], [ROOT]);
    assert.deepEqual(params['signer'], { fingerprint: 'd'.repeat(64) });
  });

  it('locks the attestation side of an edge before looking for it, and the edge itself before reading its evidence', () => {
    const cypher = compact(linkWithEvidence('a', 'USED', 'b', (r) => [`${r}.role = row.role`]));
    const order = [
      'SET a._lock = true',
      'OPTIONAL MATCH (a)-[r:USED]->(b)',
      'CREATE (a)-[n:USED]->(b) SET n.role = row.role, n.evidence = [$digest]',
      'SET r._lock = true',
      'r.evidence = CASE WHEN $digest IN',
    ];
    const positions = order.map((part) => cypher.indexOf(part));
    assert.ok(
      positions.every((at) => at >= 0),
      cypher,
    );
    assert.deepEqual(
      [...positions].sort((x, y) => x - y),
      positions,
    );
  });

  it("writes a card's fields on its own DESCRIBES edges, created when missing from the attestation, never on the node", () => {
    const DATASET = `sha256:${'e'.repeat(64)}`;
    const { text, params } = verifiedStatement({
      ...omsFacts,
      attestation: { ...omsFacts.attestation, predicateType: 'https://cyclonedx.org/bom' },
      artifacts: [
        { digest: ROOT, labels: ['Model'], name: 'model' },
        { digest: DATASET, labels: ['Dataset'] },
      ],
      contains: [],
      attests: [ROOT],
      // the dataset is described twice by the same document: as a subject's own card and as another's data
      cards: [
        { digest: ROOT, fields: { name: 'model', modelCard: '{}' }, own: true },
        { digest: DATASET, fields: { license: 'MIT' }, own: false },
        { digest: DATASET, fields: { license: 'CC-BY-4.0' }, own: true, issuedAt: '2026-11-01T00:00:00.000Z' },
      ],
    });
    assert.match(
      text,
      /OPTIONAL MATCH \(att\)-\[x:DESCRIBES\]->\(n\) WITH att, n, row WHERE x IS NULL CREATE \(att\)-\[d:DESCRIBES\]->\(n\) SET d \+= row\.fields, d\.own = row\.own, d\.issuedAt = row\.issuedAt/,
    );
    // nothing locks or writes the described artifact, which may be a popular dataset
    assert.doesNotMatch(text, /MATCH \(n:Artifact \{digest: row\.digest\}\) SET n/);
    assert.doesNotMatch(text, /SET n \+=|ownCard/);
    assert.deepEqual(params['cards'], [
      { digest: ROOT, fields: { name: 'model', modelCard: '{}' }, own: true, issuedAt: null },
      { digest: DATASET, fields: { license: 'CC-BY-4.0' }, own: true, issuedAt: '2026-11-01T00:00:00.000Z' },
    ]);
  });

  it('keeps one row per key, the last one winning', () => {
    assert.deepEqual(
      uniqueBy(
        [
          { k: 1, v: 'a' },
          { k: 2, v: 'b' },
          { k: 1, v: 'c' },
        ],
        (row) => String(row.k),
      ),
      [
        { k: 1, v: 'c' },
        { k: 2, v: 'b' },
      ],
    );
  });

  it('starts an Atlas statement with the write locks of its URNs, sorted, before its Attestation node', () => {
    const facts: AttestationFacts = {
      ...omsFacts,
      attestation: { ...omsFacts.attestation, predicateType: 'https://spec.c2pa.org/specifications/specifications/2.2' },
      artifacts: [{ digest: ROOT, labels: ['Model'], name: 'model' }],
      atlas: {
        manifest: { urn: 'urn:c2pa:b', urnSigned: true, digests: [], subject: ROOT, kind: 'model' },
        references: [
          { urn: 'urn:c2pa:c', digest: `sha384:${'e'.repeat(96)}` },
          { urn: 'urn:c2pa:a', digest: `sha384:${'f'.repeat(96)}` },
        ],
        unsignedLinks: [],
      },
    };
    const { text, params } = verifiedStatement(facts);
    // Every Atlas transaction takes its URN locks before any attestation node: no two wait for each other in a cycle.
    assert.match(
      text,
      /^CALL \(\) \{ UNWIND \$atlasUrns AS urn MERGE \(m:AtlasManifest \{urn: urn\}\) SET m\._lock = true REMOVE m\._lock \} MERGE \(att:Attestation/,
    );
    assert.deepEqual(params['atlasUrns'], ['urn:c2pa:a', 'urn:c2pa:b', 'urn:c2pa:c']);
    // A cross-reference is a CITES edge from the subject (which the attestation's revocation finds), not yet lineage.
    assert.match(text, /CITES \{digest: row\.digest\}/);
    assert.deepEqual(
      (params['atlasRefs'] as { from: string; urn: string }[]).map((r) => [r.from, r.urn]),
      [
        [ROOT, 'urn:c2pa:c'],
        [ROOT, 'urn:c2pa:a'],
      ],
    );
    // Lineage types come from literals in the statement, never from a parameter.
    assert.doesNotMatch(JSON.stringify(params), /TRAINED_ON|DERIVED_FROM|EVALUATED_ON/);
  });

  it('adds nothing Atlas to other attestations', () => {
    const { text, params } = verifiedStatement(omsFacts);
    assert.doesNotMatch(text, /AtlasManifest|atlas/);
    assert.equal(params['atlasUrns'], undefined);
  });
});
