// The card an AI-BOM shows, merged from the verified cards in scope (src/graph/bom-card.ts): precedence,
// field-by-field fallback and evidence, checked without a database (bom.test.ts and card-evidence.test.ts
// check the query that feeds it on a real Neo4j).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseCard, type ScopedCard } from '../../src/graph/bom/card.ts';

const att = (c: string): string => `sha256:${c.repeat(64)}`;
/** day `n` of November 2026 as a card's signed creation time; null: the card states none. */
const card = (digest: string, own: boolean, day: number | null, fields: ScopedCard['fields']): ScopedCard => ({
  digest,
  own,
  issuedAt: day === null ? null : new Date(Date.UTC(2026, 10, day)).toISOString(),
  fields,
});

describe('AI-BOM card from the cards in scope', () => {
  it('is null without a card, or when no card gives a field', () => {
    assert.deepEqual(chooseCard([]), { name: null, card: null });
    assert.deepEqual(chooseCard([card(att('a'), true, 1, {})]), { name: null, card: null });
  });

  it('takes each field from the first card that has it: own before others, newer first, then the lower digest', () => {
    const cards = [
      card(att('1'), false, 9, { name: 'other', license: 'MIT', sourceUrl: 'https://other.example' }),
      card(att('2'), true, 1, { name: 'old own', license: 'Apache-2.0', version: '1' }),
      card(att('3'), true, 5, { name: 'new own', license: 'CC-BY-4.0' }),
      card(att('4'), true, 5, { license: 'GPL-3.0', datasetType: 'text' }),
    ];
    const expected = {
      name: 'new own',
      card: {
        evidence: [att('1'), att('2'), att('3'), att('4')],
        version: '1',
        license: 'CC-BY-4.0',
        sourceUrl: 'https://other.example',
        datasetType: 'text',
        sensitiveData: [],
        modelCard: null,
      },
    };
    assert.deepEqual(chooseCard(cards), expected);
    assert.deepEqual(chooseCard([...cards].reverse()), expected, 'the order the cards are read in does not matter');
  });

  it('puts a card without a creation time after the dated ones, and orders by the time, not as text of any form', () => {
    const chosen = chooseCard([
      card(att('a'), true, null, { license: 'undated' }),
      card(att('b'), true, 2, { license: 'day 2' }),
      card(att('c'), true, 10, { license: 'day 10' }),
    ]);
    assert.equal(chosen.card?.license, 'day 10');
    assert.deepEqual(chosen.card?.evidence, [att('c')]);
    assert.equal(chooseCard([card(att('a'), true, null, { license: 'undated' })]).card?.license, 'undated');
  });

  it('cites only the cards that gave a shown field', () => {
    const chosen = chooseCard([
      card(att('a'), true, 2, { name: 'corpus', license: 'CC-BY-4.0', sensitiveData: 'emails; phone numbers' }),
      card(att('b'), true, 1, { name: 'corpus (old)', license: 'MIT' }),
      card(att('c'), false, 3, { license: 'MIT' }),
    ]);
    assert.equal(chosen.name, 'corpus');
    assert.deepEqual(chosen.card?.evidence, [att('a')]);
    assert.deepEqual(chosen.card?.sensitiveData, ['emails', 'phone numbers']);
  });
});
