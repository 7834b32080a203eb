// The AI-BOM component limit: a subject over BOM_MAX_COMPONENTS is refused as TOO_LARGE before any document is built.
// (The export thread itself reads the graph: test/integration/bom-export-thread.test.ts.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BomError, componentCount } from '../../../src/bom/index.ts';
import { checkSize } from '../../../src/bom/build.ts';
import { subject } from './subject-fixture.ts';

describe('AI-BOM component limit', () => {
  it('counts the model, files, ancestors, datasets, packages, inputs and runs, and refuses one over the limit', () => {
    const count = componentCount(subject());
    assert.ok(count > 10, String(count));
    assert.doesNotThrow(() => checkSize(subject(), count));
    assert.throws(
      () => checkSize(subject(), count - 1),
      (error: unknown) => error instanceof BomError && error.code === 'TOO_LARGE' && /BOM_MAX_COMPONENTS/.test(error.message),
    );
  });
});
