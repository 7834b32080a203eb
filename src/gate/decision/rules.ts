// The rules of a deploy policy that are about the model itself (docs/DEPLOY-GATE.md, "Deploy policies"): its
// verified OMS signature and signer, its SLSA provenance and builder, the license its card gives, its evaluations,
// and its age. Each rule returns one reason, passed or failed, naming the evidence it looked at.
import type { AttestationAbout, BomSubject, SignerRef } from '../../graph/index.ts';
import { isOmsPredicateType, SLSA_PROVENANCE_V1 } from '../../verify/index.ts';
import type { DeployPolicy, SignerRule } from '../policy/deploy-policy.ts';
import { reason, signerText, type Reason } from './decision.ts';

const DAY_MS = 86_400_000;

export function signerMatches(signer: SignerRef | null, rule: SignerRule): boolean {
  if (!signer) return false;
  if ('key' in rule) {
    return (
      (signer.kind === 'key' && signer.fingerprint === rule.key) ||
      (signer.kind === 'certificate' && signer.keyFingerprint === rule.key)
    );
  }
  if (signer.kind !== 'identity' || signer.issuer !== rule.identity.issuer) return false;
  return rule.identity.subject !== undefined
    ? signer.subject === rule.identity.subject
    : new RegExp(`^(?:${rule.identity.subjectPattern})$`).test(signer.subject);
}

const signatures = (own: readonly AttestationAbout[]) => own.filter((a) => isOmsPredicateType(a.predicateType ?? ''));

export function signatureRule(policy: DeployPolicy, own: readonly AttestationAbout[]): Reason | null {
  if (!policy.signature) return null;
  const all = signatures(own);
  if (all.length === 0) return reason('SIGNATURE', false, 'the model has no verified OMS signature');
  const accepted = policy.signature.signers
    ? all.filter((a) => policy.signature?.signers?.some((s) => signerMatches(a.signer, s)))
    : all;
  const first = accepted[0];
  if (!first) {
    return reason(
      'SIGNATURE',
      false,
      `the model's verified OMS signatures are by ${[...new Set(all.map((a) => signerText(a.signer)))].join(', ')}, none of the signers the policy accepts`,
      {
        attestations: all.map((a) => a.digest),
      },
    );
  }
  return reason('SIGNATURE', true, `verified OMS signature by ${signerText(first.signer)}`, {
    attestations: accepted.map((a) => a.digest),
    signer: first.signer,
  });
}

export function provenanceRule(policy: DeployPolicy, own: readonly AttestationAbout[], bom: BomSubject | null): Reason | null {
  if (!policy.provenance) return null;
  const provenance = own.filter((a) => a.predicateType === SLSA_PROVENANCE_V1);
  if (provenance.length === 0) return reason('PROVENANCE', false, 'the model has no verified SLSA provenance');
  const digests = new Set(provenance.map((a) => a.digest));
  // Builders of the runs that these provenance documents say produced the model.
  const builders = (bom?.runs ?? [])
    .filter((run) => run.evidence.some((d) => digests.has(d)))
    .flatMap((run) => run.builders.map((b) => ({ id: b.id, evidence: b.evidence.filter((d) => digests.has(d)) })));
  const allowed = policy.provenance.builders;
  const match = allowed ? builders.find((b) => allowed.includes(b.id)) : builders[0];
  if (!match) {
    return reason(
      'PROVENANCE',
      false,
      allowed
        ? `the model's verified provenance names builder(s) ${[...new Set(builders.map((b) => b.id))].join(', ') || '(none)'}, none of those the policy allows`
        : "the model's verified provenance names no builder",
      { attestations: [...digests] },
    );
  }
  const by = provenance.find((a) => match.evidence.includes(a.digest));
  return reason('PROVENANCE', true, `verified SLSA provenance, built by ${match.id}`, {
    attestations: match.evidence.length > 0 ? match.evidence : [...digests],
    signer: by?.signer ?? null,
  });
}

export function licenseRule(policy: DeployPolicy, bom: BomSubject | null): Reason | null {
  if (!policy.licenses) return null;
  const card = bom?.model.card ?? null;
  if (!card?.license) return reason('LICENSE', false, 'no verified model card gives the model a license');
  const allowed = policy.licenses.map((l) => l.toLowerCase());
  const ok = allowed.includes(card.license.toLowerCase());
  return reason(
    'LICENSE',
    ok,
    ok
      ? `license ${card.license} (from the model card)`
      : `license ${card.license} is not one the policy allows (${policy.licenses.join(', ')})`,
    { attestations: card.evidence },
  );
}

export function evaluationRules(policy: DeployPolicy, bom: BomSubject | null): Reason[] {
  if (!policy.evaluations) return [];
  const evaluations = bom?.evaluations ?? [];
  const reasons: Reason[] = [];
  for (const failed of evaluations.filter((e) => e.result === 'FAILED'))
    reasons.push(
      reason('EVALUATION', false, `evaluation on ${failed.dataset.name ?? failed.dataset.digest} FAILED`, {
        attestations: failed.evidence,
      }),
    );
  const passed = evaluations.filter((e) => e.result === 'PASSED');
  const required = policy.evaluations.datasets;
  if (required) {
    for (const dataset of required) {
      const found = passed.find((e) => e.dataset.digest === dataset);
      reasons.push(
        found
          ? reason('EVALUATION', true, `evaluation on ${found.dataset.name ?? dataset} PASSED`, { attestations: found.evidence })
          : reason('EVALUATION', false, `no verified PASSED evaluation on dataset ${dataset}`),
      );
    }
  } else if (passed.length === 0) {
    reasons.push(reason('EVALUATION', false, 'the model has no verified PASSED evaluation'));
  } else if (reasons.length === 0) {
    reasons.push(
      reason('EVALUATION', true, `${passed.length} verified PASSED evaluation(s)`, {
        attestations: passed.flatMap((e) => e.evidence),
      }),
    );
  }
  return reasons;
}

export function ageRule(policy: DeployPolicy, own: readonly AttestationAbout[], now: Date): Reason | null {
  if (policy.maxAgeDays === undefined) return null;
  const newest = signatures(own).sort((a, b) => Date.parse(b.receivedAt) - Date.parse(a.receivedAt))[0];
  if (!newest) return reason('MAX_AGE', false, 'the model has no verified OMS signature to date it by');
  const days = (now.getTime() - Date.parse(newest.receivedAt)) / DAY_MS;
  const ok = days <= policy.maxAgeDays;
  return reason(
    'MAX_AGE',
    ok,
    `the newest verified signature was received ${days.toFixed(1)} days ago (${newest.receivedAt}); the policy allows ${policy.maxAgeDays}`,
    { attestations: [newest.digest], signer: newest.signer },
  );
}
