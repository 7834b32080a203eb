// `lineage`: what an artifact was built from and what was built from it.
import { parse, UsageError } from '../args.ts';
import { COMMON_HELP, COMMON_OPTIONS, query, relation, table } from '../graphql-client.ts';
import type { LineageEdgesQuery, LineageEdgesQueryVariables } from '../operation-types.ts';

export const help = `usage: mpg lineage DIGEST [--up | --down] [--depth N] [options]

Prints the lineage edges around an artifact, each with the attestations that assert it and their signers.

  --up        only what it was built from
  --down      only what was built from it
  --depth N   hops (default 5, at most 20)
${COMMON_HELP}`;

const QUERY = /* GraphQL */ `query LineageEdges($d: String!, $dir: LineageDirection!, $depth: Int!) {
  lineage(digest: $d, direction: $dir, maxDepth: $depth) {
    root { kind key name }
    nodes { kind key name depth direction }
    edges { type how role result verified from { key name } to { key name } evidence { attestation signer { kind fingerprint issuer subject } } }
  }
}`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...COMMON_OPTIONS,
    up: { type: 'boolean' },
    down: { type: 'boolean' },
    depth: { type: 'string', default: '5' },
  });
  const digest = positionals[0];
  if (!digest) throw new UsageError('give the artifact digest (sha256:…)');
  const direction = values.up && !values.down ? 'UPSTREAM' : values.down && !values.up ? 'DOWNSTREAM' : 'BOTH';
  const variables: LineageEdgesQueryVariables = { d: digest, dir: direction, depth: Number(values.depth) };
  const data = await query<LineageEdgesQuery>(values, QUERY, variables);
  if (!data.lineage) {
    process.stderr.write(`no artifact ${digest} in the graph\n`);
    return 1;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(data.lineage, null, 2)}\n`);
    return 0;
  }
  const label = (n: { key: string; name: string | null }): string => (n.name ? `${n.name} (${n.key.slice(0, 19)}…)` : n.key);
  const rows = data.lineage.edges.map((e) => [
    label(e.from),
    relation(e),
    label(e.to),
    e.verified ? 'yes' : 'NO',
    [...new Set(e.evidence.map((v) => v.signer?.subject ?? v.signer?.fingerprint?.slice(0, 16) ?? '?'))].join(', '),
  ]);
  process.stdout.write(`${table(['from', 'relation', 'to', 'verified', 'signed by'], rows)}\n`);
  process.stdout.write(`\n${data.lineage.nodes.length} nodes, ${rows.length} edges\n`);
  return 0;
}
