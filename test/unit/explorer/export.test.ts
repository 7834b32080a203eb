// The explorer's export: every page read (and no endless loop on a bad page), CSV that spreadsheets read as data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { affectedCsv, collectPages, csvField } from '../../../src/explorer/export.ts';
import type { AffectedNode, Page } from '../../../src/explorer/types.ts';

const item = (i: number, name: string | null = `model-${i}`): AffectedNode => ({
  node: { kind: 'MODEL', key: `sha256:${String(i).padStart(64, '0')}`, name },
  depth: 1 + (i % 3),
  verified: i % 2 === 0,
  signers: [{ kind: 'KEY', fingerprint: 'ab'.repeat(32), subject: null, issuer: null, keyFingerprint: null }],
  path: [],
});

/** Pages as the API cuts them: offset cursors, at most `size` per page. */
function pages(items: readonly AffectedNode[], size: number): (after: string | null) => Promise<Page<AffectedNode>> {
  return async (after) => {
    const start = after === null ? 0 : Number(after) + 1;
    const slice = items.slice(start, start + size);
    return {
      totalCount: items.length,
      pageInfo: {
        hasNextPage: start + size < items.length,
        endCursor: slice.length > 0 ? String(start + slice.length - 1) : null,
      },
      edges: slice.map((node, i) => ({ cursor: String(start + i), node })),
    };
  };
}

describe('explorer export', () => {
  it('reads every page of a 10,000-node list in order, reporting progress', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => item(i));
    const progress: number[] = [];
    const all = await collectPages(pages(items, 1000), (done, total) => {
      assert.equal(total, 10_000);
      progress.push(done);
    });
    assert.deepEqual(all, items);
    assert.deepEqual(progress, [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000]);
  });

  it('stops on an empty page that claims more follow', async () => {
    const all = await collectPages(
      async () => ({ totalCount: 5, pageInfo: { hasNextPage: true, endCursor: 'x' }, edges: [] }),
      () => undefined,
    );
    assert.deepEqual(all, []);
  });

  it('writes RFC 4180 CSV and defuses spreadsheet formulas in names', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('=HYPERLINK("http://evil")'), `"'=HYPERLINK(""http://evil"")"`);
    assert.equal(csvField('+1'), "'+1");
    const csv = affectedCsv([item(1, 'evil,=1+1'), item(2, null)]);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'depth,kind,key,name,verified,signers,path');
    assert.equal(lines[1], `2,MODEL,sha256:${'0'.repeat(63)}1,"evil,=1+1",false,key:${'ab'.repeat(32)},`);
    assert.equal(lines[2]?.split(',')[3], '');
    assert.equal(lines.length, 4, 'header, two rows, and the final line break');
  });
});
