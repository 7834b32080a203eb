// The explorer's questions as they are sent: every document, fragments and page size written in, is valid against
// schema/ (the generated types describe the text the service actually receives), and a page size is a literal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, parse, validate } from 'graphql';
import { loadTypeDefs } from '../../../src/api/index.ts';
import type { Request } from '../../../src/explorer/api.ts';
import * as queries from '../../../src/explorer/queries.ts';

const schema = buildSchema(loadTypeDefs().join('\n'));

/** A Request that records what it was asked and answers with empty data of the right top-level shape. */
function recorder(): { request: Request; sent: { query: string; variables: Record<string, unknown> }[] } {
  const sent: { query: string; variables: Record<string, unknown> }[] = [];
  const empty = { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] };
  const request = (async (query: string, variables: Record<string, unknown> = {}) => {
    sent.push({ query, variables });
    return {
      search: { ...empty, truncated: false },
      lineage: null,
      artifact: null,
      incidentTrace: { compromised: [], summary: { total: 0, byKind: [], byDepth: [] }, affected: empty },
      aiBom: {},
    };
  }) as Request;
  return { request, sent };
}

describe('explorer queries', () => {
  it('sends documents that are valid against the schema, with their fragments', async () => {
    const { request, sent } = recorder();
    const digest = `sha256:${'0'.repeat(64)}`;
    const options = { maxDepth: 5, verifiedOnly: false };
    await queries.search(request, 'bert', 20, null);
    await queries.lineage(request, digest, 'BOTH', 3);
    await queries.artifact(request, digest);
    await queries.attestations(request, [digest, `sha256:${'1'.repeat(64)}`]);
    await queries.signatureStatuses(request, [digest]);
    await queries.trace(request, { artifact: digest }, options, 300, null);
    await queries.affectedPage(request, { key: 'ab'.repeat(32) }, options, 50, 'b2Zmc2V0OjQ5');
    await queries.aiBom(request, digest, 'CYCLONEDX_1_6');
    assert.equal(sent.length, 8);
    for (const { query } of sent) assert.deepEqual(validate(schema, parse(query)).map(String), [], query);
  });

  it('writes the page size into the text, capped at the API largest page', async () => {
    const { request, sent } = recorder();
    await queries.search(request, 'bert', 20, null);
    await queries.trace(request, { artifact: `sha256:${'0'.repeat(64)}` }, { maxDepth: 5, verifiedOnly: true }, 5000, null);
    await queries.affectedPage(request, { key: 'ab'.repeat(32) }, { maxDepth: 5, verifiedOnly: true }, 0, null);
    assert.deepEqual(
      sent.map(({ query }) => /first: (\d+)/.exec(query)?.[1]),
      ['20', String(queries.MAX_PAGE), '1'],
    );
    for (const { query, variables } of sent) {
      assert.ok(!query.includes('$first'), query);
      assert.ok(!('first' in variables));
    }
  });
});
