// `decide`: may this model be deployed under this deploy policy? Every reason, with its evidence
// (docs/DEPLOY-GATE.md, "Decisions"). Exits 0 when allowed, 3 when denied.
import { parse, UsageError } from '../args.ts';
import { COMMON_HELP, COMMON_OPTIONS } from '../graphql-client.ts';
import { answer, restClient } from '../rest-client.ts';

export const help = `usage: mpg decide MODEL --policy NAME [options]

MODEL is a digest (sha256:…), a purl, or an oci://…@sha256:…, hf://org/name@revision, s3:// or gs:// URI the graph
knows. Prints allow or deny and every reason with the evidence it rests on; exits 0 when allowed, 3 when denied.

  --policy NAME   the deploy policy (DEPLOY_POLICY_FILE on the service)
${COMMON_HELP}`;

interface Reason {
  rule: string;
  passed: boolean;
  message: string;
  attestations: string[];
  path: { type: string; from: string; to: string }[];
  incident: string | null;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON_OPTIONS, policy: { type: 'string' } });
  const model = positionals[0];
  if (!model) throw new UsageError('name the model: a digest, purl or URI');
  if (!values.policy) throw new UsageError('name the deploy policy: --policy');
  const body = JSON.stringify({ model, policy: values.policy });
  const decision = await answer(restClient(values), '/v1/decisions', { method: 'POST', body, contentType: 'application/json' });
  const allowed = decision['allowed'] === true;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
    return allowed ? 0 : 3;
  }
  const lines = [`${allowed ? 'ALLOW' : 'DENY'}  ${String(decision['model'] ?? model)} under ${values.policy}`];
  for (const r of (decision['reasons'] as Reason[] | undefined) ?? []) {
    lines.push(`  ${r.passed ? 'ok  ' : 'FAIL'} ${r.rule}: ${r.message}`);
    if (r.incident) lines.push(`         incident ${r.incident}`);
    if (r.path.length > 0) lines.push(`         path ${r.path.map((h) => `${h.from} -${h.type}-> ${h.to}`).join(', ')}`);
    if (r.attestations.length > 0) lines.push(`         evidence ${r.attestations.join(', ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return allowed ? 0 : 3;
}
