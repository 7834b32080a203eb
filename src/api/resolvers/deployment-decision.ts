// Query.deploymentDecision: allow or deny a model under a deploy policy, with every reason (docs/DEPLOY-GATE.md).
import { decide, parseDecisionRequest, type Decision } from '../../gate/index.ts';
import type { ApiContext } from '../context.ts';
import type { DeploymentDecision } from './schema-types.ts';
import { signerObject, type QueryArgs } from './views.ts';

export async function deploymentDecision(
  _: unknown,
  args: QueryArgs<'deploymentDecision'>,
  context: ApiContext,
): Promise<DeploymentDecision> {
  const request = parseDecisionRequest({ model: args.model, policy: args.policy });
  return decisionObject(await decide(context.graph, context.gate.policies(), request));
}

export function decisionObject(decision: Decision): DeploymentDecision {
  return {
    ...decision,
    reasons: decision.reasons.map((r) => ({ ...r, signer: signerObject(r.signer), path: [...r.path] })),
  };
}
