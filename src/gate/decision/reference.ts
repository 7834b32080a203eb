// How a deployment names its model (docs/DEPLOY-GATE.md, "Model references"), turned into what the graph can look
// up: digests (an artifact's identity) and names (a purl, or the URI evidence gave an artifact). Mutable references
// — a Hugging Face repository without a revision, an OCI tag without a digest — are refused by name: the bytes they
// point at can change after the decision.
import { GateError } from '../error.ts';

export interface ModelReference {
  /** the reference as given. */
  readonly text: string;
  readonly digests: readonly string[];
  readonly names: readonly string[];
}

const DIGEST = /^(sha256|sha384|sha512):[0-9a-f]{64,128}$/;

export function parseModelReference(reference: string): ModelReference {
  const text = reference.trim();
  if (text.length === 0 || text.length > 2000)
    throw new GateError('INVALID_INPUT', 'the model reference must be 1–2000 characters');
  if (DIGEST.test(text)) return { text, digests: [text], names: [] };
  if (text.startsWith('pkg:')) return { text, digests: [], names: [text] };
  if (text.startsWith('oci://')) {
    // KServe modelcars: oci://registry/repository@sha256:<hex> (a tag alone names no fixed bytes).
    const at = text.lastIndexOf('@');
    const digest = at === -1 ? '' : text.slice(at + 1);
    if (!DIGEST.test(digest))
      throw new GateError('INVALID_INPUT', `${text}: an oci:// model must be pinned by digest (oci://…@sha256:<hex>)`);
    return { text, digests: [digest], names: [text] };
  }
  if (text.startsWith('hf://')) {
    // hf://org/name@revision or hf://org/name:revision (KServe's form); the purl is pkg:huggingface/org/name@revision.
    const match = /^hf:\/\/([^/@:]+)\/([^/@:]+)(?:[@:]([^/@:]+))?$/.exec(text);
    if (!match) throw new GateError('INVALID_INPUT', `${text}: expected hf://<org>/<name>@<revision>`);
    const [, org = '', name = '', revision] = match;
    if (!revision)
      throw new GateError(
        'INVALID_INPUT',
        `${text}: a Hugging Face model must be pinned to a revision (hf://${org}/${name}@<commit>)`,
      );
    return { text, digests: [], names: [`pkg:huggingface/${org}/${name}@${revision}`, `hf://${org}/${name}@${revision}`, text] };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(text)) return { text, digests: [], names: [text] };
  throw new GateError(
    'INVALID_INPUT',
    `${text}: expected a digest (sha256:<hex>), a purl, or an oci://, hf://, s3:// or gs:// URI`,
  );
}
