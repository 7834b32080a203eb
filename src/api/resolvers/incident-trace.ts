// Query.incidentTrace: what a compromised artifact, package, identity or key affects, and by which path.
import { traceIncident, type Compromised } from '../../graph/index.ts';
import type { ApiContext } from '../context.ts';
import { ApiError, parseDigest } from '../errors.ts';
import { parseDepth } from './depth.ts';
import type { CompromisedInput, IncidentTrace } from './schema-types.ts';
import { explainPage, summaryObject, type QueryArgs } from './views.ts';

export async function incidentTrace(_: unknown, args: QueryArgs<'incidentTrace'>, context: ApiContext): Promise<IncidentTrace> {
  const compromised = toCompromised(args.compromised);
  const options = { maxDepth: parseDepth(args.maxDepth), verifiedOnly: args.verifiedOnly };
  const trace = () => traceIncident(context.graph, compromised, options);
  const result = await (context.traces
    ? context.traces.get(['incidentTrace', compromised, options], trace, !args.after)
    : trace());
  return {
    compromised: result.compromised,
    summary: summaryObject(result),
    affected: await explainPage(result, args.first, args.after),
  };
}

function toCompromised(input: CompromisedInput): Compromised {
  const given = Object.entries(input).filter(([, value]) => value !== null && value !== undefined);
  if (given.length !== 1) throw new ApiError('BAD_REQUEST', 'compromised takes exactly one of artifact, package, identity, key');
  if (input.artifact) return { kind: 'artifact', digest: parseDigest(input.artifact) };
  if (input.package) {
    if (!input.package.purl.startsWith('pkg:'))
      throw new ApiError('BAD_REQUEST', 'package.purl must be a purl (pkg:type/name[@version])');
    return {
      kind: 'package',
      purl: input.package.purl,
      ...(input.package.versionRange ? { versionRange: input.package.versionRange } : {}),
    };
  }
  if (input.identity) return { kind: 'identity', issuer: input.identity.issuer, subject: input.identity.subject };
  const key = (input.key ?? '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(key)) throw new ApiError('BAD_REQUEST', 'key must be the hex SHA-256 fingerprint of the public key');
  return { kind: 'key', fingerprint: key };
}
