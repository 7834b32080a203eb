// Public door of the gate domain (docs/DEPLOY-GATE.md): stored incidents, deploy policies, deployment decisions and
// Kubernetes admission.
export { GateError } from './error.ts';
export type { GateErrorCode } from './error.ts';
export { affectedWorkloads, closeIncident, getIncident, listIncidents, openIncident } from './incidents/incidents.ts';
export type { AffectedWorkloads } from './incidents/incidents.ts';
export { NO_DEPLOY_POLICIES, parseDeployPolicies, readDeployPolicies } from './policy/deploy-policy.ts';
export type { DeployPolicies, DeployPolicy } from './policy/deploy-policy.ts';
export { DeployPolicyStore } from './policy/store.ts';
export { decide, parseDecisionRequest } from './decision/decide.ts';
export type { DecisionRequest } from './decision/decide.ts';
export type { Decision, PathStep, Reason, Rule } from './decision/decision.ts';
export { validateAdmission } from './admission/validate.ts';
export type { AdmissionOptions, AdmissionReviewAnswer, ValidatedAdmission } from './admission/validate.ts';
export { MODEL_ANNOTATION, POLICY_ANNOTATION } from './admission/review.ts';
export { INIT_CONTAINER_NAME, mutateAdmission } from './admission/mutate.ts';
export type { MutationOptions } from './admission/mutate.ts';
export { ModelValidationStore, VALIDATION_LABEL } from './admission/model-validation.ts';
