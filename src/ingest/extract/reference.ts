// Names users use for models, datasets and source (docs/LINEAGE.md, "Names"): a Hugging Face repository at a
// revision and a git repository at a commit. Each becomes one artifact node keyed by its canonical purl, so the
// same repository at the same revision is one node however a document spells it:
//
//   pkg:huggingface/acme/base@<rev>                       (purl; the revision may come from digest.gitCommit)
//   hf://acme/base@<rev>, https://huggingface.co/acme/base/tree/<rev>   + digest.gitCommit when the URI has none
//   hf://datasets/acme/corpus, https://huggingface.co/datasets/acme/corpus + gitCommit → pkg:huggingface/datasets/acme/corpus@<rev>
//   git+https://github.com/acme/ml@refs/heads/main, https://github.com/acme/ml.git, git@github.com:acme/ml.git
//                                                          + digest.gitCommit → pkg:github/acme/ml@<commit>
//                                                          (gitlab.com → pkg:gitlab, bitbucket.org → pkg:bitbucket,
//                                                           another host → pkg:generic/<host>/<path>)
//
// Keys are lower case (Hugging Face and the git hosts above match names case-insensitively), the revision a
// commit or tag as given. A name without a revision names no fixed content and is not a reference.
import type { Descriptor } from './descriptor.ts';

export interface Reference {
  /** the node key: the canonical purl, lower case, without qualifiers. */
  readonly key: string;
  /** how people write it: `acme/base`. */
  readonly name: string;
  readonly source: 'huggingface' | 'git';
  /** a Hugging Face dataset repository. */
  readonly dataset: boolean;
}

const REVISION = /^[A-Za-z0-9._\-/]+$/;

/** The reference a descriptor names by its `uri` (or else its `name`), or null. */
export function referenceOf(descriptor: Descriptor): Reference | null {
  const commit = gitCommit(descriptor.digest);
  for (const text of [descriptor.uri, descriptor.name]) {
    if (!text) continue;
    const reference = huggingFace(text.trim(), commit) ?? git(text.trim(), commit);
    if (reference) return reference;
  }
  return null;
}

function gitCommit(digest: Readonly<Record<string, string>> | undefined): string | null {
  for (const [algorithm, value] of Object.entries(digest ?? {})) {
    if (algorithm.toLowerCase() === 'gitcommit' && /^[0-9a-f]{7,64}$/i.test(value)) return value.toLowerCase();
  }
  return null;
}

function huggingFace(text: string, commit: string | null): Reference | null {
  let path: string;
  let revision: string | null = null;
  if (text.startsWith('pkg:huggingface/')) {
    const bare = text.split('#')[0]?.split('?')[0] ?? '';
    const rest = bare.slice('pkg:huggingface/'.length);
    const at = rest.lastIndexOf('@');
    path = decodeURIComponent(at === -1 ? rest : rest.slice(0, at));
    revision = at === -1 ? null : decodeURIComponent(rest.slice(at + 1));
  } else if (text.startsWith('hf://')) {
    const rest = text.slice('hf://'.length).split('?')[0] ?? '';
    const at = rest.lastIndexOf('@');
    path = at === -1 ? rest : rest.slice(0, at);
    revision = at === -1 ? null : rest.slice(at + 1);
  } else {
    const match = /^https?:\/\/(?:www\.)?huggingface\.co\/([^?#]+)/i.exec(text);
    if (!match?.[1]) return null;
    const parts = match[1].split('/').filter(Boolean);
    const dataset = parts[0] === 'datasets';
    const repo = parts.slice(0, dataset ? 3 : 2);
    const tree = parts.slice(repo.length);
    if ((tree[0] === 'tree' || tree[0] === 'commit' || tree[0] === 'resolve') && tree[1]) revision = tree[1];
    path = repo.join('/');
  }
  const segments = path.split('/').filter(Boolean);
  const dataset = segments[0] === 'datasets';
  const repo = segments.slice(dataset ? 1 : 0);
  if (repo.length < 1 || repo.length > 2) return null;
  const rev = revision ?? commit;
  if (!rev || !REVISION.test(rev)) return null;
  const name = repo.join('/');
  const key = `pkg:huggingface/${dataset ? 'datasets/' : ''}${name}@${rev}`.toLowerCase();
  return { key, name, source: 'huggingface', dataset };
}

const HOSTS: Readonly<Record<string, string>> = { 'github.com': 'github', 'gitlab.com': 'gitlab', 'bitbucket.org': 'bitbucket' };

function git(text: string, commit: string | null): Reference | null {
  if (!commit) return null;
  let host: string;
  let path: string;
  const scp = /^git@([^:]+):(.+)$/.exec(text);
  if (scp?.[1] && scp[2]) {
    host = scp[1];
    path = scp[2];
  } else {
    const explicit = text.startsWith('git+') || text.startsWith('git://') || /\.git(@|$)/.test(text);
    let url: URL;
    try {
      url = new URL(text.replace(/^git\+/, ''));
    } catch {
      return null;
    }
    host = url.hostname.toLowerCase();
    if (!explicit && !HOSTS[host]) return null;
    path = decodeURIComponent(url.pathname);
  }
  // `…/repo@refs/heads/main` names a ref, which the commit pins: the node is the commit.
  path = (path.split('@')[0] ?? path)
    .replace(/^\/+/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  if (!path) return null;
  const type = HOSTS[host.toLowerCase()];
  const key = (type ? `pkg:${type}/${path}@${commit}` : `pkg:generic/${host}/${path}@${commit}`).toLowerCase();
  return { key, name: path, source: 'git', dataset: false };
}
