// Atlas CLI's SLSA provenance (`atlas-cli pipeline generate-provenance`, atlas-cli src/slsa/cli.rs): buildType
// `atlas-cli:<version>`, which is not a URI, and no resolvedDependencies. Its inputs are in
// `externalParameters.inputs[]` and its pipeline script in `externalParameters.pipeline`, each a ResourceDescriptor
// naming a file by path and digest. Read as the dependencies they are (docs/LINEAGE.md, "Atlas CLI"): the inputs
// without a role (what the graph knows of each digest decides its edge), the pipeline as `code`.
import { z } from 'zod';
import { descriptorSchema, type Descriptor } from './descriptor.ts';

const ATLAS_BUILD_TYPE = /^atlas-cli:/;

const parametersSchema = z.object({
  inputs: z.array(descriptorSchema).max(10_000).default([]),
  pipeline: descriptorSchema.optional(),
});

/** The dependencies an Atlas provenance lists outside resolvedDependencies; none for any other buildType. */
export function atlasDependencies(buildType: string, externalParameters: unknown): Descriptor[] {
  if (!ATLAS_BUILD_TYPE.test(buildType)) return [];
  const parsed = parametersSchema.safeParse(externalParameters);
  if (!parsed.success) return [];
  const { inputs, pipeline } = parsed.data;
  return [...inputs, ...(pipeline ? [{ ...pipeline, annotations: { ...pipeline.annotations, role: 'code' } }] : [])];
}
