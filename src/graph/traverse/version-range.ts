// Version ranges for package incident traces: comparators such as `>=2.5.0 <2.5.2`, `=2.5.1` or
// `vers:pypi/>=2.5.0|<2.5.2` (the vers spec's `|`-separated form). A version matches when it satisfies
// every comparator. Versions compare component by component, numerically where both are numbers.

const COMPARATOR = /^(>=|<=|!=|>|<|=)?\s*(.+)$/;

export function inRange(version: string, range: string | undefined): boolean {
  if (range === undefined || range.trim() === '' || range.trim() === '*') return true;
  if (version === '') return false;
  const body = range.trim().replace(/^vers:[^/]+\//, '');
  const parts = body.split(/[\s,|]+/).filter((part) => part.length > 0);
  return parts.every((part) => {
    const match = COMPARATOR.exec(part);
    if (!match) return false;
    const [, operator = '=', bound = ''] = match;
    const order = compareVersions(version, bound);
    switch (operator) {
      case '>=':
        return order >= 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      case '<':
        return order < 0;
      case '!=':
        return order !== 0;
      default:
        return order === 0;
    }
  });
}

export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.+-]/);
  const right = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i] ?? '0';
    const y = right[i] ?? '0';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    const order = !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x.localeCompare(y);
    if (order !== 0) return Math.sign(order);
  }
  return 0;
}
