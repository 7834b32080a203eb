// What the card extractors (src/ingest/extract/cyclonedx.ts, spdx.ts) put on a card's DESCRIBES rows: the fields
// and the card's signed creation time, by which the AI-BOM orders cards (src/graph/bom-card.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CardFact } from '../../src/graph/index.ts';
import { extractCycloneDx } from '../../src/ingest/extract/cyclonedx.ts';
import { extractSpdx } from '../../src/ingest/extract/spdx.ts';
import type { Extracted } from '../../src/ingest/extract/types.ts';
import type { Statement } from '../../src/verify/index.ts';

const MODEL = 'a'.repeat(64);
const DATASET = 'd'.repeat(64);

function cardsOf(extracted: Extracted): readonly CardFact[] {
  assert.ok(extracted.ok, extracted.ok ? '' : extracted.message);
  return extracted.lineage.cards ?? [];
}

function cycloneDx(metadata: Record<string, unknown>): Statement {
  return {
    type: 'https://in-toto.io/Statement/v1',
    predicateType: 'https://cyclonedx.org/bom',
    subjects: [{ name: 'model', digest: { sha256: MODEL } }],
    predicate: {
      bomFormat: 'CycloneDX',
      metadata: {
        ...metadata,
        component: { type: 'machine-learning-model', hashes: [{ alg: 'SHA-256', content: MODEL }], name: 'tagger' },
      },
      components: [
        { type: 'data', name: 'corpus', hashes: [{ alg: 'SHA-256', content: DATASET }], licenses: [{ license: { id: 'MIT' } }] },
      ],
    },
  };
}

function spdx(created: unknown): Statement {
  const info = (id: string, time: unknown): Record<string, unknown> => ({ type: 'CreationInfo', '@id': id, created: time });
  return {
    type: 'https://in-toto.io/Statement/v1',
    predicateType: 'https://spdx.dev/Document/v3',
    subjects: [{ name: 'model', digest: { sha256: MODEL } }],
    predicate: {
      '@graph': [
        info('_:other', '2020-01-01T00:00:00Z'),
        info('_:creationinfo', created),
        {
          type: 'ai_AIPackage',
          spdxId: 'urn:model',
          name: 'tagger',
          creationInfo: '_:creationinfo',
          verifiedUsing: [{ type: 'Hash', algorithm: 'sha256', hashValue: MODEL }],
        },
      ],
    },
  };
}

describe('card facts', () => {
  it("CycloneDX: the BOM's metadata.timestamp, normalised to UTC, dates the own card and the data components it describes", () => {
    const cards = cardsOf(extractCycloneDx(cycloneDx({ timestamp: '2026-10-02T09:00:00+02:00' })));
    assert.deepEqual(cards, [
      { digest: `sha256:${MODEL}`, fields: { name: 'tagger' }, own: true, issuedAt: '2026-10-02T07:00:00.000Z' },
      {
        digest: `sha256:${DATASET}`,
        fields: { name: 'corpus', license: 'MIT' },
        own: false,
        issuedAt: '2026-10-02T07:00:00.000Z',
      },
    ]);
  });

  it('CycloneDX: no issuedAt without a timestamp, or with one that is not a date-time', () => {
    for (const metadata of [{}, { timestamp: 'yesterday' }, { timestamp: '2026-13-45T00:00:00Z' }, { timestamp: '1700000000' }]) {
      for (const card of cardsOf(extractCycloneDx(cycloneDx(metadata))))
        assert.equal(card.issuedAt, undefined, JSON.stringify(metadata));
    }
  });

  it('SPDX 3: the created time of the CreationInfo the described element names', () => {
    const [card] = cardsOf(extractSpdx(spdx('2026-11-01T12:00:00Z')));
    assert.equal(card?.issuedAt, '2026-11-01T12:00:00.000Z');
    assert.equal(cardsOf(extractSpdx(spdx('not a time')))[0]?.issuedAt, undefined);
  });
});
