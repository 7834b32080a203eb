// `models-from-dataset`: every model that came from a dataset, with the path.
import { parse, UsageError } from '../args.ts';
import { COMMON_HELP, COMMON_OPTIONS, query, relation, table } from '../graphql-client.ts';
import { MAX_PAGE, type ModelsFromDatasetQuery, type ModelsFromDatasetQueryVariables } from '../operation-types.ts';

export const help = `usage: mpg models-from-dataset DIGEST [--direct] [--depth N] [--limit N] [options]

Lists models trained on the dataset, or (by default) also on datasets derived from it and fine-tunes
of such models, each with its path.

  --direct    only models trained on this dataset itself
  --depth N   hops (default 10, at most 20)
  --limit N   models to list (default ${MAX_PAGE})
${COMMON_HELP}`;

const QUERY = /* GraphQL */ `query ModelsFromDataset($d: String!, $t: Boolean!, $depth: Int!, $first: Int!) {
  modelsTrainedOn(dataset: $d, transitive: $t, maxDepth: $depth, first: $first) {
    totalCount edges { node { depth node { key name } path { type how to { key name } } } }
  }
}`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...COMMON_OPTIONS,
    direct: { type: 'boolean' },
    depth: { type: 'string', default: '10' },
    limit: { type: 'string', default: String(MAX_PAGE) },
  });
  const digest = positionals[0];
  if (!digest) throw new UsageError('give the dataset digest (sha256:…)');
  const variables: ModelsFromDatasetQueryVariables = {
    d: digest,
    t: !values.direct,
    depth: Number(values.depth),
    first: Number(values.limit),
  };
  const data = await query<ModelsFromDatasetQuery>(values, QUERY, variables);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(data.modelsTrainedOn, null, 2)}\n`);
    return 0;
  }
  const rows = data.modelsTrainedOn.edges.map(({ node: a }) => [
    a.node.name ?? '',
    a.node.key,
    String(a.depth),
    a.path.map((h) => `${relation(h)} ${h.to.name ?? h.to.key.slice(0, 19)}`).join(' → '),
  ]);
  process.stdout.write(`${table(['model', 'digest', 'depth', 'path'], rows)}\n\n${data.modelsTrainedOn.totalCount} model(s)\n`);
  return 0;
}
