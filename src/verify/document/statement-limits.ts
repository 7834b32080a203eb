// Size limits on a decoded in-toto statement (limits.ts): how many subjects, OMS resources and SLSA dependencies it
// may list. Checked on the claimed statement before its signature, so an over-limit document costs no more than
// its parse whoever signed it, and no later step (manifest checks, lineage extraction, graph writes) sees it.

import { fail, ok } from '../check.ts';
import type { Check } from '../check.ts';
import type { Limits } from './limits.ts';
import { OMS_PREDICATE_LEGACY, OMS_PREDICATE_V1 } from '../oms/manifest.ts';
import { SLSA_PROVENANCE_V1 } from './predicates.ts';
import { C2PA_PREDICATE } from '../atlas/statement.ts';
import type { Statement } from '../types.ts';

export function checkStatementLimits(statement: Statement, limits: Limits): Check<true> {
  // A legacy OMS signature lists one subject per file: its subjects are its resources.
  const legacyOms = statement.predicateType === OMS_PREDICATE_LEGACY;
  const maxSubjects = legacyOms ? limits.maxOmsResources : limits.maxSubjects;
  const subjects = statement.subjects.length;
  if (subjects > maxSubjects) {
    const name = legacyOms ? 'maxOmsResources' : 'maxSubjects';
    return fail('LIMIT_EXCEEDED', `The statement lists ${subjects} subjects; the limit is ${maxSubjects} (${name}).`);
  }
  if (statement.predicateType === OMS_PREDICATE_V1) {
    const resources = arrayLength(field(statement.predicate, 'resources'));
    if (resources > limits.maxOmsResources) {
      return fail(
        'LIMIT_EXCEEDED',
        `The OMS manifest lists ${resources} resources; the limit is ${limits.maxOmsResources} (maxOmsResources).`,
      );
    }
  }
  if (statement.predicateType === C2PA_PREDICATE) {
    const size = checkAtlasManifestLimits(statement.predicate, limits);
    if (!size.ok) return size;
  }
  if (statement.predicateType === SLSA_PROVENANCE_V1) {
    const definition = field(statement.predicate, 'buildDefinition');
    // Atlas CLI lists its inputs in externalParameters.inputs instead (docs/LINEAGE.md, "Atlas CLI"); they count alike.
    const buildType = field(definition, 'buildType');
    const atlasInputs =
      typeof buildType === 'string' && buildType.startsWith('atlas-cli:')
        ? arrayLength(field(field(definition, 'externalParameters'), 'inputs'))
        : 0;
    const dependencies = arrayLength(field(definition, 'resolvedDependencies')) + atlasInputs;
    if (dependencies > limits.maxSlsaDependencies) {
      return fail(
        'LIMIT_EXCEEDED',
        `The SLSA provenance lists ${dependencies} resolvedDependencies; the limit is ${limits.maxSlsaDependencies} (maxSlsaDependencies).`,
      );
    }
    // Extraction links every subject to every dependency: the product, not each count, is the work and the edges.
    if (subjects * dependencies > limits.maxSlsaLinks) {
      return fail(
        'LIMIT_EXCEEDED',
        `The SLSA provenance links ${subjects} subjects to ${dependencies} dependencies (${subjects * dependencies} links); the limit is ${limits.maxSlsaLinks} (maxSlsaLinks).`,
      );
    }
  }
  return ok(true);
}

/**
 * An Atlas manifest (a C2PA predicate, or a standalone manifest): its ingredients are files, held to maxOmsResources;
 * its cross-references are links, held to maxSlsaDependencies.
 */
export function checkAtlasManifestLimits(manifest: unknown, limits: Limits): Check<true> {
  const ingredients = arrayLength(field(field(manifest, 'claim'), 'ingredients'));
  if (ingredients > limits.maxOmsResources) {
    return fail(
      'LIMIT_EXCEEDED',
      `The Atlas manifest lists ${ingredients} ingredients; the limit is ${limits.maxOmsResources} (maxOmsResources).`,
    );
  }
  const links = arrayLength(field(manifest, 'cross_references'));
  if (links > limits.maxSlsaDependencies) {
    return fail(
      'LIMIT_EXCEEDED',
      `The Atlas manifest lists ${links} cross_references; the limit is ${limits.maxSlsaDependencies} (maxSlsaDependencies).`,
    );
  }
  return ok(true);
}

/** A member of a JSON object, or undefined; the predicate's shape is checked later, this only counts. */
function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function arrayLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}
