// `bom`: the AI-BOM of a model, to stdout or a file.
import { writeFile } from 'node:fs/promises';
import { parse, UsageError } from '../args.ts';
import { COMMON_HELP, COMMON_OPTIONS, query } from '../graphql-client.ts';
import type { AiBomQuery, AiBomQueryVariables } from '../operation-types.ts';

const FORMATS: Record<string, AiBomQueryVariables['f']> = {
  'cyclonedx-1.6': 'CYCLONEDX_1_6',
  'cyclonedx-1.7': 'CYCLONEDX_1_7',
  'spdx-3.0.1': 'SPDX_3_0_1',
};

export const help = `usage: mpg bom DIGEST [--format cyclonedx-1.6|cyclonedx-1.7|spdx-3.0.1] [--output FILE] [options]

Exports the model's AI-BOM (CycloneDX ML-BOM, validated against the official schema, or SPDX 3.0.1).

  --format F      default cyclonedx-1.6
  --output FILE   write there instead of stdout
${COMMON_HELP}`;

const QUERY = /* GraphQL */ `query AiBom($d: String!, $f: BomFormat!) { aiBom(digest: $d, format: $f) }`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...COMMON_OPTIONS,
    format: { type: 'string', default: 'cyclonedx-1.6' },
    output: { type: 'string', short: 'o' },
  });
  const digest = positionals[0];
  if (!digest) throw new UsageError('give the model digest (sha256:…)');
  const format = FORMATS[values.format];
  if (!format) throw new UsageError(`--format must be one of ${Object.keys(FORMATS).join(', ')}`);
  const variables: AiBomQueryVariables = { d: digest, f: format };
  const data = await query<AiBomQuery>(values, QUERY, variables);
  const text = `${JSON.stringify(data.aiBom, null, 2)}\n`;
  if (values.output) {
    await writeFile(values.output, text);
    process.stderr.write(`wrote ${values.output}\n`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
