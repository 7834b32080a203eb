// The card an AI-BOM shows for one artifact, merged from the verified cards in the BOM's scope (read.ts)
// field by field, each shown value traceable to the one card that gave it (docs/LINEAGE.md, "Card fields").
import type { BomCard } from './subject.ts';
import { CARD_FIELDS, type CardField } from '../facts.ts';

/** A verified card in scope: what its DESCRIBES edge says of the artifact. */
export interface ScopedCard {
  /** the card attestation's digest. */
  readonly digest: string;
  /** the card attests the artifact itself (it is the artifact's own card). */
  readonly own: boolean;
  /** the card's own creation time (ISO 8601 UTC, signed inside it), null when it states none. */
  readonly issuedAt: string | null;
  readonly fields: Readonly<Partial<Record<CardField, string>>>;
}

export interface ChosenCard {
  /** the name a card gives the artifact, null when none does (the node's name is shown then). */
  readonly name: string | null;
  /** null when no card in scope gives any field. */
  readonly card: BomCard | null;
}

/**
 * Precedence, decided by what the cards themselves say, so the same whatever order or time they arrived in: the
 * artifact's own cards before what other cards say of it, then the newer card by its signed creation time (a card
 * without one after those with one), then the lower attestation digest. Each field comes from the first card in
 * that order that has it, and the evidence is exactly the cards that gave a shown field.
 */
export function chooseCard(cards: readonly ScopedCard[]): ChosenCard {
  const ordered = [...cards].sort(
    (a, b) =>
      Number(b.own) - Number(a.own) ||
      newerFirst(a.issuedAt, b.issuedAt) ||
      (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0),
  );
  const shown: Partial<Record<CardField, string>> = {};
  const evidence = new Set<string>();
  for (const field of CARD_FIELDS) {
    const source = ordered.find((card) => typeof card.fields[field] === 'string');
    if (!source) continue;
    shown[field] = source.fields[field];
    evidence.add(source.digest);
  }
  const name = shown.name ?? null;
  if (evidence.size === 0) return { name, card: null };
  return {
    name,
    card: {
      evidence: [...evidence].sort(),
      version: shown.version ?? null,
      license: shown.license ?? null,
      sourceUrl: shown.sourceUrl ?? null,
      datasetType: shown.datasetType ?? null,
      // The CycloneDX extractor joins `sensitiveData[]` with "; " (src/ingest/extract/cyclonedx.ts).
      sensitiveData: (shown.sensitiveData ?? '').split('; ').filter((s) => s.length > 0),
      modelCard: shown.modelCard ?? null,
    },
  };
}

/** ISO 8601 UTC strings of one format order as text; a missing time sorts last. */
function newerFirst(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? 1 : -1;
}
