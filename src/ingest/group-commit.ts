// Group commit (docs/INGEST.md): the worker's jobs hand their facts to one writer, which writes what has gathered in
// one Neo4j transaction once the group is full or its oldest member has waited long enough, one group at a time. A job's promise settles
// when its own facts are committed. When a group's transaction fails, each member is written again on its own, so a
// document whose facts cannot be written fails only itself (and a fault of the database fails each, to be retried by
// the queue as before).
import { writeAttestation, writeAttestations, type GraphConnection, type WriteOutcome } from '../graph/index.ts';
import type { AttestationFacts } from '../graph/index.ts';

export interface GroupOptions {
  /** attestations per transaction at most (1 = no grouping). */
  readonly maxSize: number;
  /** ms the first member of a group waits for others before it is written anyway. */
  readonly maxWaitMs: number;
}

export type Writer = (facts: AttestationFacts) => Promise<WriteOutcome>;

interface Member {
  readonly facts: AttestationFacts;
  resolve(outcome: WriteOutcome): void;
  reject(error: unknown): void;
}

export function groupWriter(graph: GraphConnection, options: GroupOptions): Writer {
  if (options.maxSize <= 1) return (facts) => writeAttestation(graph, facts);
  const gathering: Member[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** One group is written at a time: its transactions then never wait on each other's locks (nor deadlock). */
  let writing = false;

  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (writing || gathering.length === 0) return;
    const group = gathering.splice(0, options.maxSize);
    writing = true;
    writeAttestations(
      graph,
      group.map((member) => member.facts),
    )
      .then(
        (outcomes) => group.forEach((member, index) => member.resolve(outcomes[index] as WriteOutcome)),
        () =>
          // Each on its own, one after the other, each with its own result.
          group.reduce(
            (previous, member) => previous.then(() => writeAttestation(graph, member.facts).then(member.resolve, member.reject)),
            Promise.resolve(),
          ),
      )
      .finally(() => {
        writing = false;
        // What gathered meanwhile goes at once: under load, groups grow to what arrives during one write.
        if (gathering.length > 0) flush();
      });
  };

  return (facts) =>
    new Promise<WriteOutcome>((resolve, reject) => {
      gathering.push({ facts, resolve, reject });
      if (gathering.length >= options.maxSize) flush();
      else timer ??= setTimeout(flush, options.maxWaitMs);
    });
}
