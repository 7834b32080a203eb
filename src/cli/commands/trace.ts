// `trace`: incident-response trace of a compromised artifact, package, identity or key.
import { parse, UsageError } from '../args.ts';
import { COMMON_HELP, COMMON_OPTIONS, query, relation, table } from '../graphql-client.ts';
import { MAX_PAGE, type TraceAffectedQuery, type TraceAffectedQueryVariables } from '../operation-types.ts';

export const help = `usage: mpg trace (--artifact DIGEST | --package PURL [--range R] | --identity ISSUER SUBJECT | --key FINGERPRINT)
                 [--depth N] [--verified-only] [--limit N] [options]

Lists every model and dataset affected by the compromise, nearest first, with the shortest evidence
path to each and the signers on it, then counts by kind and depth.

  --artifact DIGEST   a compromised model, dataset or file (sha256:…)
  --package PURL      a compromised package; with --range, only versions in it (e.g. ">=2.5.0 <2.5.2")
  --identity I S      a compromised keyless identity: OIDC issuer and subject
  --key FP            a compromised key (hex SHA-256 of its public key)
  --depth N           hops to follow (default 10, at most 20)
  --verified-only     follow only edges backed by verified attestations
  --limit N           affected nodes to list (default ${MAX_PAGE})
${COMMON_HELP}`;

const QUERY = /* GraphQL */ `query TraceAffected($c: CompromisedInput!, $depth: Int!, $verified: Boolean!, $first: Int!) {
  incidentTrace(compromised: $c, maxDepth: $depth, verifiedOnly: $verified, first: $first) {
    compromised { kind key name }
    summary { total byKind { kind count } byDepth { depth count } }
    affected { totalCount edges { node { depth verified node { kind key name }
      path { type from { key } to { key } how evidence { attestation signer { kind fingerprint issuer subject } } } } } }
  }
}`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...COMMON_OPTIONS,
    artifact: { type: 'string' },
    package: { type: 'string' },
    range: { type: 'string' },
    identity: { type: 'string' },
    key: { type: 'string' },
    depth: { type: 'string', default: '10' },
    'verified-only': { type: 'boolean' },
    limit: { type: 'string', default: String(MAX_PAGE) },
  });
  const compromised = values.artifact
    ? { artifact: values.artifact }
    : values.package
      ? { package: { purl: values.package, ...(values.range ? { versionRange: values.range } : {}) } }
      : values.identity
        ? { identity: { issuer: values.identity, subject: positionals[0] ?? '' } }
        : values.key
          ? { key: values.key }
          : null;
  if (!compromised) throw new UsageError('say what is compromised: --artifact, --package, --identity or --key');
  const variables: TraceAffectedQueryVariables = {
    c: compromised,
    depth: Number(values.depth),
    verified: values['verified-only'] ?? false,
    first: Number(values.limit),
  };
  const data = await query<TraceAffectedQuery>(values, QUERY, variables);
  const trace = data.incidentTrace;
  if (values.json) {
    process.stdout.write(`${JSON.stringify(trace, null, 2)}\n`);
    return 0;
  }
  const rows = trace.affected.edges.map(({ node: a }) => [
    String(a.depth),
    a.node.kind,
    a.node.name ?? '',
    a.node.key,
    a.verified ? 'yes' : 'NO',
    a.path.map(relation).join(' → '),
  ]);
  process.stdout.write(`compromised: ${trace.compromised.map((n) => n.key).join(', ') || '(nothing matched)'}\n\n`);
  process.stdout.write(`${table(['depth', 'kind', 'name', 'digest', 'verified', 'path'], rows)}\n\n`);
  const kinds = trace.summary.byKind.map((k) => `${k.count} ${k.kind.toLowerCase()}`).join(', ');
  const depths = trace.summary.byDepth.map((d) => `depth ${d.depth}: ${d.count}`).join(', ');
  process.stdout.write(`${trace.summary.total} affected (${kinds || 'none'})${depths ? `; ${depths}` : ''}\n`);
  if (trace.affected.totalCount > rows.length)
    process.stdout.write(`(listed ${rows.length}; --limit raises it, --json for all fields)\n`);
  return 0;
}
