// One AI-BOM document from a subject read out of the graph, in the asked format. Pure: no graph access, so it can run
// in a worker thread (exporter.ts) as well as here.
import type { BomSubject } from '../graph/index.ts';
import { buildCycloneDx, type BomOptions } from './cyclonedx.ts';
import { BomError } from './errors.ts';
import { buildSpdx } from './spdx.ts';

export type BomFormat = 'CYCLONEDX_1_6' | 'CYCLONEDX_1_7' | 'SPDX_3_0_1';
export const BOM_FORMATS: readonly BomFormat[] = ['CYCLONEDX_1_6', 'CYCLONEDX_1_7', 'SPDX_3_0_1'];

export async function buildBom(subject: BomSubject, format: BomFormat, options: BomOptions): Promise<object> {
  switch (format) {
    case 'CYCLONEDX_1_6':
      return buildCycloneDx(subject, '1.6', options);
    case 'CYCLONEDX_1_7':
      return buildCycloneDx(subject, '1.7', options);
    case 'SPDX_3_0_1':
      return buildSpdx(subject, options);
  }
}

/** Components the document would list: the model, its files, ancestors, datasets, packages, inputs and runs. */
export function componentCount(subject: BomSubject): number {
  return (
    1 +
    subject.files.length +
    subject.ancestors.reduce((sum, a) => sum + 1 + a.datasets.length, 0) +
    subject.datasets.length +
    subject.packages.length +
    subject.used.length +
    subject.runs.reduce((sum, r) => sum + 1 + r.inputs.length + r.otherOutputs.length, 0) +
    subject.evaluations.length
  );
}

/** Refuses a subject over `max` components before any document is built. */
export function checkSize(subject: BomSubject, max: number): void {
  const count = componentCount(subject);
  if (count > max) {
    throw new BomError(
      'TOO_LARGE',
      `the AI-BOM of ${subject.model.digest} would list ${count} components and parts, more than the limit of ${max} (BOM_MAX_COMPONENTS)`,
    );
  }
}
