// The CycloneDX validator checks `uniqueItems` in one pass (canonical JSON in a set) instead of ajv's pairwise deep
// equality. It must decide exactly as the library's own validator does: the same documents valid, the same duplicates
// refused — whatever the order of keys inside the duplicated objects — and a 10,000-package BOM accepted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Version } from '@cyclonedx/cyclonedx-library/Spec';
import { JsonStrictValidator } from '@cyclonedx/cyclonedx-library/Validation';
import { buildCycloneDx, validateCycloneDx, type CycloneDxVersion } from '../../../src/bom/index.ts';
import { subject } from './subject-fixture.ts';

const OPTIONS = { timestamp: '2026-11-02T10:00:00Z' };

async function libraryErrors(document: object, version: CycloneDxVersion): Promise<unknown[]> {
  const validator = new JsonStrictValidator(version === '1.6' ? Version.v1dot6 : Version.v1dot7);
  const errors: unknown = await validator.validate(JSON.stringify(document));
  return errors === null ? [] : (errors as unknown[]);
}

const reversedKeys = (value: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).reverse());

describe('CycloneDX schema validation', () => {
  for (const version of ['1.6', '1.7'] as const) {
    it(`${version}: agrees with the library's validator on valid and duplicated documents`, async () => {
      const valid: any = await buildCycloneDx(subject(), version, OPTIONS);
      const component = valid.components[0] as Record<string, unknown>;
      const cases: [string, any][] = [
        ['valid', valid],
        ['a component twice, keys in another order', { ...valid, components: [...valid.components, reversedKeys(component)] }],
        [
          'a dependsOn entry twice',
          {
            ...valid,
            dependencies: valid.dependencies.map((d: any, i: number) =>
              i === 0 && d.dependsOn ? { ...d, dependsOn: [...d.dependsOn, d.dependsOn[0]] } : d,
            ),
          },
        ],
        [
          'equal-looking but different components',
          { ...valid, components: [...valid.components, { ...component, version: 'other' }] },
        ],
      ];
      for (const [name, document] of cases) {
        const ours = await validateCycloneDx(document, version);
        const theirs = await libraryErrors(document, version);
        assert.equal(
          ours.length === 0,
          theirs.length === 0,
          `${name}: ours ${JSON.stringify(ours)}, library ${JSON.stringify(theirs)}`,
        );
      }
      const duplicated = await validateCycloneDx(cases[1]![1], version);
      assert.equal(duplicated[0]?.['keyword'], 'uniqueItems');
      assert.equal(duplicated[0]?.instancePath, '/components');
    });
  }

  it('accepts the BOM of a model with 10,000 packages', async () => {
    const packages = Array.from({ length: 10_000 }, (_, i) => ({
      purl: `pkg:pypi/package-${i}@1.0.${i}`,
      digest: null,
      name: `package-${i}`,
      version: `1.0.${i}`,
      digests: [`sha256:${i.toString(16).padStart(64, '0')}`],
      evidence: [`sha256:${'3'.repeat(64)}`],
    }));
    const bom: any = await buildCycloneDx(subject({ packages }), '1.7', OPTIONS);
    assert.equal(bom.components.filter((c: { type: string }) => c.type === 'library').length, 10_000);
  });
});
