// `incidents`: open, list, show and close stored incidents, and list the admitted workloads one affects
// (docs/DEPLOY-GATE.md, "Incidents").
import { parse, UsageError } from '../args.ts';
import { table } from '../graphql-client.ts';
import { answer, DEFAULT_URL, restClient } from '../rest-client.ts';

export const help = `usage: mpg incidents open --title T (--artifact D | --package PURL [--range R] | --identity ISSUER SUBJECT | --key FP)…
                     [--description TEXT] [--reference ID] [options]
       mpg incidents list [--state open|closed|all] [--limit N] [options]
       mpg incidents show ID [options]
       mpg incidents close ID [--reason TEXT] [options]
       mpg incidents workloads ID [--depth N] [options]

Stored incidents: while one is open, deployment decisions deny every model it covers or that depends on what it
covers. Opening and closing need a token with the ingest role; each change is audited under the token's identity.
"workloads" lists the workloads the admission webhook let in whose model the incident affects.

  --artifact D        a compromised model, dataset or file (sha256:…); repeatable
  --package PURL      a compromised package; --range limits it to versions in a range (e.g. ">=2.5.0 <2.5.2")
  --identity I S      a compromised keyless identity: OIDC issuer and subject
  --key FP            a compromised key (hex SHA-256 of its public key); repeatable
  --state S           which incidents to list (default open)
  --url URL           service base URL (default ${DEFAULT_URL}, or MPG_URL)
  --token T           bearer token (default: MPG_TOKEN)
  --json              print the raw JSON answer`;

interface Incident {
  id: string;
  title: string;
  state: string;
  openedAt: string;
  openedBy: string;
  closedAt: string | null;
  covers: Record<string, string | undefined>[];
}

const coverText = (c: Record<string, string | undefined>): string =>
  c['kind'] === 'package'
    ? `${c['purl']}${c['versionRange'] ? ` ${c['versionRange']}` : ''}`
    : (c['digest'] ?? c['fingerprint'] ?? `${c['subject']} (${c['issuer']})`);

export async function run(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  const { values, positionals } = parse(
    rest,
    {
      url: { type: 'string' },
      token: { type: 'string' },
      json: { type: 'boolean' },
      title: { type: 'string' },
      description: { type: 'string' },
      reference: { type: 'string' },
      artifact: { type: 'string', multiple: true },
      package: { type: 'string' },
      range: { type: 'string' },
      identity: { type: 'string', multiple: true },
      key: { type: 'string', multiple: true },
      state: { type: 'string', default: 'open' },
      limit: { type: 'string', default: '100' },
      reason: { type: 'string' },
      depth: { type: 'string', default: '10' },
    },
    ['identity'],
  );
  const client = restClient(values);
  const print = (body: unknown, text: string): void => {
    process.stdout.write(values.json ? `${JSON.stringify(body, null, 2)}\n` : `${text}\n`);
  };
  const id = (): string => {
    const given = positionals[0];
    if (!given) throw new UsageError(`incidents ${action} needs an incident id`);
    return encodeURIComponent(given);
  };
  switch (action) {
    case 'open': {
      if (!values.title) throw new UsageError('say what happened: --title');
      const identity = values.identity ?? [];
      if (identity.length % 2 !== 0) throw new UsageError('--identity takes an issuer and a subject');
      const covers = [
        ...(values.artifact ?? []).map((artifact) => ({ artifact })),
        ...(values.package
          ? [{ package: { purl: values.package, ...(values.range ? { versionRange: values.range } : {}) } }]
          : []),
        ...identity.flatMap((issuer, i) => (i % 2 === 0 ? [{ identity: { issuer, subject: identity[i + 1] as string } }] : [])),
        ...(values.key ?? []).map((key) => ({ key })),
      ];
      if (covers.length === 0) throw new UsageError('say what is compromised: --artifact, --package, --identity or --key');
      const body = {
        title: values.title,
        covers,
        ...(values.description ? { description: values.description } : {}),
        ...(values.reference ? { reference: values.reference } : {}),
      };
      // Not retried: a lost answer to a request that did open the incident would open a second one.
      const reply = await answer(client, '/v1/incidents', {
        method: 'POST',
        body: JSON.stringify(body),
        contentType: 'application/json',
        retry: false,
      });
      const incident = reply['incident'] as Incident;
      print(reply, `opened incident ${incident.id} (${incident.covers.length} cover(s)) as ${incident.openedBy}`);
      return 0;
    }
    case 'list': {
      const reply = await answer(
        client,
        `/v1/incidents?state=${encodeURIComponent(values.state)}&limit=${encodeURIComponent(values.limit)}`,
      );
      const incidents = (reply['incidents'] as Incident[] | undefined) ?? [];
      const rows = incidents.map((i) => [i.id, i.state, i.openedAt, i.openedBy, i.title, i.covers.map(coverText).join(', ')]);
      print(
        reply,
        incidents.length === 0 ? `no ${values.state} incidents` : table(['id', 'state', 'opened', 'by', 'title', 'covers'], rows),
      );
      return 0;
    }
    case 'show': {
      const reply = await answer(client, `/v1/incidents/${id()}`);
      const incident = reply['incident'] as Incident;
      const events = (reply['events'] as { at: string; action: string; actor: string }[] | undefined) ?? [];
      print(
        reply,
        [
          `${incident.id}  ${incident.state}  ${incident.title}`,
          `covers: ${incident.covers.map(coverText).join(', ')}`,
          ...events.map((e) => `  ${e.at}  ${e.action}  ${e.actor}`),
        ].join('\n'),
      );
      return 0;
    }
    case 'close': {
      const body = values.reason ? { reason: values.reason } : {};
      const reply = await answer(client, `/v1/incidents/${id()}/close`, {
        method: 'POST',
        body: JSON.stringify(body),
        contentType: 'application/json',
      });
      const incident = reply['incident'] as Incident;
      print(reply, reply['changed'] ? `closed incident ${incident.id}` : `incident ${incident.id} was already closed`);
      return 0;
    }
    case 'workloads': {
      const reply = await answer(
        client,
        `/v1/incidents/${id()}/workloads?maxDepth=${encodeURIComponent(values.depth)}&limit=${encodeURIComponent(values.limit)}`,
      );
      const workloads = (reply['workloads'] as Record<string, string>[] | undefined) ?? [];
      const rows = workloads.map((w) => [
        w['namespace'] ?? '',
        w['kind'] ?? '',
        w['name'] ?? '',
        w['modelDigest'] ?? '',
        w['admittedAt'] ?? '',
      ]);
      print(
        reply,
        workloads.length === 0
          ? 'no admitted workload is affected'
          : table(['namespace', 'kind', 'name', 'model', 'admitted'], rows),
      );
      return 0;
    }
    default:
      throw new UsageError('say what to do: open, list, show, close or workloads');
  }
}
