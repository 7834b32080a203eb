// JSON text put into a GraphQL answer as it is. The AI-BOM of a large model is built and serialised on the export
// thread (src/bom/exporter.ts); parsing that text back into objects on the event loop and having the answer serialise
// them again would cost the event loop as much as building the document did (10,000 packages: about 9 MB, a few
// hundred ms on a loaded machine, every other request waiting). So the resolver returns the text wrapped in RawJson
// and the answer is written by `stringifyWithRawJson`, which serialises everything else and splices the text in.
// The marker it splices at carries a random id chosen at start, so no value a client sent can pose as one.
import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const MARKER = `mpg-raw-json:${randomUUID()}:`;

/** The RawJson values met by the serialisation running now, in the order they were written. */
let met: RawJson[] | null = null;

export class RawJson {
  readonly text: string;
  /** `text` must be JSON (it is, coming from JSON.stringify on the export thread). */
  constructor(text: string) {
    this.text = text;
  }

  /** Within stringifyWithRawJson a marker spliced over afterwards; anywhere else the value itself (parsed). */
  toJSON(): unknown {
    if (!met) return JSON.parse(this.text) as unknown;
    met.push(this);
    return `${MARKER}${met.length - 1}`;
  }
}

/** JSON.stringify, with each RawJson's text written where its value is. */
export function stringifyWithRawJson(value: unknown): string {
  const outer = met;
  const found: RawJson[] = [];
  met = found;
  let text: string;
  try {
    text = JSON.stringify(value);
  } finally {
    met = outer;
  }
  if (found.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  found.forEach((raw, i) => {
    const marker = JSON.stringify(`${MARKER}${i}`);
    const at = text.indexOf(marker, from);
    parts.push(text.slice(from, at), raw.text);
    from = at + marker.length;
  });
  parts.push(text.slice(from));
  return parts.join('');
}

/** Has graphql-yoga write every answer with stringifyWithRawJson (it uses a result's own `stringify` when it has one). */
export function useRawJson(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult({ ...result, stringify: stringifyWithRawJson } as typeof result);
        },
      };
    },
  };
}
