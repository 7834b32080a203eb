// The GraphQL limits, without a server: each hostile shape from docs/OPERATIONS.md is refused with its code by the
// gate meant for it, fragments are measured once however often they are spread, traversals are priced by the depth
// they may walk, and every query the explorer and the CLI send stays within the default limits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { loadTypeDefs } from '../../../src/api/index.ts';
import {
  bracketNesting,
  costError,
  HOP_COST,
  limitedParse,
  MAX_TOKENS,
  measureOperation,
  structureError,
  type QueryLimits,
} from '../../../src/api/query-limits.ts';
import * as explorer from '../../../src/explorer/queries.ts';

const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
const LIMITS: QueryLimits = { maxDepth: 12, maxCost: 50_000, maxTraversals: 4 };
const DIGEST = `sha256:${'a'.repeat(64)}`;
const KEY = 'a'.repeat(64);

function measure(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return measureOperation(schema, document, operation, variables);
}

function code(error: unknown): unknown {
  return error instanceof GraphQLError ? error.extensions['code'] : undefined;
}

/** Every gate in the order the server applies them; the first refusal's code, or null. */
function verdict(query: string, variables?: Record<string, unknown>): unknown {
  try {
    const document = limitedParse(query, LIMITS);
    const structure = structureError(schema, document, LIMITS);
    if (structure) return code(structure);
    return code(costError(schema, document, undefined, variables, LIMITS)) ?? null;
  } catch (error) {
    return code(error) ?? error;
  }
}

describe('GraphQL limits', () => {
  it('refuses a query nested 5,000 deep before parsing it (the parser would overflow its stack)', () => {
    const deep = `{ lineage(digest: "${DIGEST}") ${'{ root '.repeat(5000)}{ key }${' }'.repeat(5001)} }`;
    assert.equal(verdict(deep), 'QUERY_TOO_DEEP');
    assert.equal(
      verdict(`{ search(text: "${'{'.repeat(5000)}") { totalCount } } # ${'('.repeat(5000)}`),
      null,
      'brackets in strings and comments do not count',
    );
    assert.equal(bracketNesting('{ a { b [ ( ) ] } }'), 4);
  });

  it('refuses more than MAX_TOKENS tokens before parsing them', () => {
    const fields = Array.from({ length: MAX_TOKENS }, (_, i) => `a${i}: __typename`).join(' ');
    assert.equal(verdict(`{ ${fields} }`), 'QUERY_TOO_COSTLY');
  });

  it('measures a fragment once however often it is spread: 22 levels spreading the next twice cost 2^22, refused', () => {
    let fragments = '';
    for (let i = 0; i < 22; i++) {
      fragments += `fragment F${i} on GraphNode { key ${i < 21 ? `...F${i + 1} ...F${i + 1}` : ''} }\n`;
    }
    const bomb = `{ lineage(digest: "${DIGEST}") { root { ...F0 } } }\n${fragments}`;
    const measured = measure(bomb);
    assert.ok(measured.cost > 2 ** 22, String(measured.cost));
    assert.equal(measured.depth, 3);
    assert.equal(verdict(bomb), 'QUERY_TOO_COSTLY');
  });

  it('refuses a chain of fragments spread inside one another beyond 50', () => {
    let fragments = '';
    for (let i = 0; i < 60; i++) fragments += `fragment F${i} on Query { ${i < 59 ? `...F${i + 1}` : '__typename'} }\n`;
    assert.equal(verdict(`{ ...F0 }\n${fragments}`), 'QUERY_TOO_DEEP');
  });

  it('counts traversals per operation: 1,000 aliases of lineage are refused before validation', () => {
    const aliases = (n: number, field: string): string =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join('\n')} }`;
    const lineage = `lineage(digest: "${DIGEST}", maxDepth: 20) { nodes { key } }`;
    assert.equal(verdict(aliases(1000, lineage)), 'QUERY_TOO_COSTLY');
    assert.equal(verdict(aliases(200, lineage)), 'QUERY_TOO_COSTLY');
    assert.equal(
      code(structureError(schema, parse(aliases(200, lineage)), LIMITS)),
      'QUERY_TOO_COSTLY',
      'refused by the traversal count, before validation',
    );
    assert.equal(verdict(aliases(4, lineage)), null);
    assert.equal(verdict(aliases(5, lineage)), 'QUERY_TOO_COSTLY');
    const trace = `incidentTrace(compromised: { key: "${KEY}" }, maxDepth: 20, first: 1) { summary { total } }`;
    assert.equal(verdict(aliases(1000, trace)), 'QUERY_TOO_COSTLY');
    // Through a fragment on Query, the traversals still count.
    assert.equal(verdict(`{ ...T }\nfragment T on Query ${aliases(5, lineage)}`), 'QUERY_TOO_COSTLY');
  });

  it('prices a traversal by the hops it may walk, and page sizes by their (variable) value', () => {
    const lineage = (depth: number) => measure(`{ lineage(digest: "${DIGEST}", maxDepth: ${depth}) { root { key } } }`);
    assert.equal(lineage(20).cost - lineage(1).cost, 19 * HOP_COST);
    assert.equal(measure(`{ lineage(digest: "${DIGEST}") { root { key } } }`).cost, lineage(5).cost, 'the SDL default depth');
    const page = 'query ($n: Int) { search(text: "x", first: $n) { edges { node { match } } } }';
    assert.ok(measure(page, { n: 1000 }).cost > 100 * measure(page, { n: 5 }).cost);
    assert.equal(measure(page, { n: 'many' }).cost, measure(page, { n: 1000 }).cost, 'an unusable value is priced at the cap');
    assert.equal(
      measure(page, {}).cost,
      measure('{ search(text: "x") { edges { node { match } } } }').cost,
      'absent: the SDL default',
    );
  });

  it('refuses a selection deeper than maxDepth', () => {
    const deep = `{ incidentTrace(compromised: { key: "${KEY}" }) { affected { edges { node { path { evidence { signer { kind } } } } } } } }`;
    assert.equal(verdict(deep), null);
    assert.equal(code(structureError(schema, parse(deep), { ...LIMITS, maxDepth: 7 })), 'QUERY_TOO_DEEP');
  });

  it('accepts every query the explorer sends, at its largest page and depth', async () => {
    const sent: { query: string; variables: Record<string, unknown> }[] = [];
    const request = (async (query: string, variables: Record<string, unknown> = {}) => {
      sent.push({ query, variables });
      return new Proxy({}, { get: () => ({}) });
    }) as Parameters<typeof explorer.search>[0];
    const options = { maxDepth: 20, verifiedOnly: false };
    await Promise.allSettled([
      explorer.search(request, 'x', 1000, null),
      explorer.lineage(request, DIGEST, 'BOTH', 20),
      explorer.artifact(request, DIGEST),
      explorer.attestations(
        request,
        Array.from({ length: 50 }, (_, i) => `sha256:${String(i).padStart(64, '0')}`),
      ),
      explorer.trace(request, { key: KEY }, options, 1000, null),
      explorer.affectedPage(request, { key: KEY }, options, 1000, 'b2Zmc2V0OjA'),
      explorer.aiBom(request, DIGEST, 'CYCLONEDX_1_7'),
    ]);
    assert.ok(sent.length >= 7);
    for (const { query, variables } of sent) assert.equal(verdict(query, variables), null, query);
  });
});
