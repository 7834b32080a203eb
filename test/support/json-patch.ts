// A small RFC 6902 JSON Patch applier (add, remove, replace, test) for checking the mutating webhook's patches the
// way the Kubernetes API server applies them: JSON Pointer paths (RFC 6901), `-` appends, an index inserts.
export type Operation = { op: 'add' | 'replace' | 'test'; path: string; value: unknown } | { op: 'remove'; path: string };

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`bad JSON pointer ${pointer}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Applies `patch` to a deep copy of `document`; throws on any operation RFC 6902 says must fail. */
export function applyPatch<T>(document: T, patch: readonly Operation[]): T {
  let root: unknown = structuredClone(document);
  for (const operation of patch) {
    const path = tokens(operation.path);
    if (path.length === 0) {
      if (operation.op === 'remove') throw new Error('cannot remove the root');
      if (operation.op === 'test') {
        if (JSON.stringify(root) !== JSON.stringify(operation.value)) throw new Error('test failed at the root');
        continue;
      }
      root = structuredClone(operation.value);
      continue;
    }
    let parent = root as Record<string, unknown> | unknown[];
    for (const token of path.slice(0, -1)) {
      const next = Array.isArray(parent) ? parent[Number(token)] : parent[token];
      if (next === null || typeof next !== 'object') throw new Error(`no container at ${operation.path}`);
      parent = next as Record<string, unknown> | unknown[];
    }
    const last = path.at(-1) as string;
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new Error(`bad index at ${operation.path}`);
      if (operation.op === 'add') parent.splice(index, 0, structuredClone(operation.value));
      else if (index >= parent.length) throw new Error(`no element at ${operation.path}`);
      else if (operation.op === 'remove') parent.splice(index, 1);
      else if (operation.op === 'replace') parent[index] = structuredClone(operation.value);
      else if (JSON.stringify(parent[index]) !== JSON.stringify(operation.value))
        throw new Error(`test failed at ${operation.path}`);
      continue;
    }
    if (operation.op === 'add') parent[last] = structuredClone(operation.value);
    else if (!(last in parent)) throw new Error(`no member at ${operation.path}`);
    else if (operation.op === 'remove') delete parent[last];
    else if (operation.op === 'replace') parent[last] = structuredClone(operation.value);
    else if (JSON.stringify(parent[last]) !== JSON.stringify(operation.value))
      throw new Error(`test failed at ${operation.path}`);
  }
  return root as T;
}
