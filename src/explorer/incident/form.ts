// The incident form: what is compromised (an artifact, a package with an optional version range, a keyless identity
// or a key), how deep to trace, and whether to follow only verified edges.
import { byId } from '../dom.ts';
import type { TraceOptions } from '../queries.ts';
import type { Compromised } from '../types.ts';

export interface IncidentForm {
  /** puts a compromise handed over from another view into the form. */
  fill(compromised: Compromised): void;
  options(): TraceOptions;
}

/** `onTrace` hears of each submit with a complete compromise; `onIncomplete` when a field is missing. */
export function createIncidentForm(onTrace: (compromised: Compromised) => void, onIncomplete: () => void): IncidentForm {
  const form = byId<HTMLFormElement>('incident-form');
  const kind = byId<HTMLSelectElement>('incident-kind');
  const input = (id: string): HTMLInputElement => byId<HTMLInputElement>(`incident-${id}`);

  function showFields(): void {
    for (const label of form.querySelectorAll<HTMLElement>('label[data-for]')) label.hidden = label.dataset['for'] !== kind.value;
  }
  kind.addEventListener('change', showFields);

  function compromisedFromForm(): Compromised | null {
    const value = (id: string): string => input(id).value.trim();
    switch (kind.value) {
      case 'artifact':
        return value('artifact') ? { artifact: value('artifact') } : null;
      case 'package':
        return value('purl')
          ? { package: { purl: value('purl'), ...(value('range') ? { versionRange: value('range') } : {}) } }
          : null;
      case 'identity':
        return value('issuer') && value('subject') ? { identity: { issuer: value('issuer'), subject: value('subject') } } : null;
      default:
        return value('key') ? { key: value('key').toLowerCase() } : null;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const compromised = compromisedFromForm();
    if (compromised) onTrace(compromised);
    else onIncomplete();
  });
  showFields();

  return {
    fill(compromised: Compromised): void {
      if ('artifact' in compromised) {
        kind.value = 'artifact';
        input('artifact').value = compromised.artifact;
      } else if ('package' in compromised) {
        kind.value = 'package';
        input('purl').value = compromised.package.purl;
        input('range').value = compromised.package.versionRange ?? '';
      } else if ('identity' in compromised) {
        kind.value = 'identity';
        input('issuer').value = compromised.identity.issuer;
        input('subject').value = compromised.identity.subject;
      } else {
        kind.value = 'key';
        input('key').value = compromised.key;
      }
      showFields();
    },
    options(): TraceOptions {
      return {
        maxDepth: Math.min(20, Math.max(1, Math.trunc(Number(input('depth').value) || 10))),
        verifiedOnly: input('verified-only').checked,
      };
    },
  };
}
