// AI-BOM export faults. NOT_FOUND and NOT_A_MODEL are the caller's mistake (an unknown digest, or one that
// names a dataset or file); TOO_LARGE is a model whose BOM would have more components than the export builds;
// BUSY means too many exports are waiting for the export thread (try again shortly); INVALID_BOM means we built a
// document its schema rejects: a bug, never user error.
import { CodedError } from '../coded-error.ts';

export type BomErrorCode = 'NOT_FOUND' | 'NOT_A_MODEL' | 'TOO_LARGE' | 'BUSY' | 'INVALID_BOM';

export class BomError extends CodedError<BomErrorCode> {
  /** schema validation errors (ajv error objects) for INVALID_BOM. */
  readonly errors: readonly unknown[];
  constructor(code: BomErrorCode, message: string, options?: { cause?: unknown; errors?: readonly unknown[] }) {
    super(code, message, options);
    this.errors = options?.errors ?? [];
  }
}
