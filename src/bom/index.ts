// Public door of the AI-BOM domain: export one model's verified lineage as CycloneDX 1.6 / 1.7 ML-BOM or
// SPDX 3.0.1 AI/Dataset JSON-LD, every component backed by verified evidence. Reads the graph through its index only.
export { BomError } from './errors.ts';
export type { BomErrorCode } from './errors.ts';
export { buildCycloneDx } from './cyclonedx.ts';
export type { BomOptions, CycloneDxVersion } from './cyclonedx.ts';
export { validateCycloneDx } from './cyclonedx-validate.ts';
export type { SchemaError } from './cyclonedx-validate.ts';
export { buildSpdx } from './spdx.ts';
export { BOM_FORMATS, componentCount } from './build.ts';
export type { BomFormat } from './build.ts';
export { createBomExporter } from './exporter.ts';
export type { BomExporter, ExportJob, ExporterOptions } from './exporter.ts';
export { exportAiBom } from './export.ts';
export type { ExportOptions } from './export.ts';
