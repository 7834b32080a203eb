// in-toto test-result v0.1 (https://in-toto.io/attestation/test-result/v0.1) → EVALUATED_ON edges
// from the evaluated model to each dataset in `configuration` (docs/LINEAGE.md).
import { z } from 'zod';
import type { ArtifactFact, EdgeFact } from '../../graph/index.ts';
import type { Statement } from '../../verify/index.ts';
import { annotation, descriptorSchema, identityDigest, zodMessage } from './descriptor.ts';
import type { Extracted } from './types.ts';

const testResultSchema = z.object({
  result: z.enum(['PASSED', 'WARNED', 'FAILED']),
  configuration: z.array(descriptorSchema).max(1000).default([]),
  url: z.string().optional(),
});

export function extractTestResult(statement: Statement): Extracted {
  const parsed = testResultSchema.safeParse(statement.predicate);
  if (!parsed.success) return { ok: false, message: `test-result predicate: ${zodMessage(parsed.error)}` };
  const { result, configuration, url } = parsed.data;
  const withRoles = configuration.some((entry) => annotation(entry.annotations, 'role') !== null);
  const datasets = configuration.filter((entry) => (withRoles ? annotation(entry.annotations, 'role') === 'dataset' : true));
  const artifacts: ArtifactFact[] = [];
  const edges: EdgeFact[] = [];
  const attests: string[] = [];
  for (const subject of statement.subjects) {
    const model = identityDigest(subject.digest);
    if (!model) return { ok: false, message: `subject "${subject.name}" has no usable digest` };
    attests.push(model);
    artifacts.push({ digest: model, labels: ['Model'], rank: 'usage', ...(subject.name ? { name: subject.name } : {}) });
    for (const entry of datasets) {
      const dataset = identityDigest(entry.digest);
      if (!dataset) continue;
      artifacts.push({ digest: dataset, labels: ['Dataset'], rank: 'usage', ...(entry.name ? { name: entry.name } : {}) });
      edges.push({
        type: 'EVALUATED_ON',
        from: { kind: 'artifact', digest: model },
        to: { kind: 'artifact', digest: dataset },
        props: { result, ...(url ? { url } : {}) },
      });
    }
  }
  return { ok: true, lineage: { artifacts, contains: [], attests, edges } };
}
