// Small DOM helpers. Text goes in as text nodes only (never innerHTML): names and digests come from signed
// evidence, which anyone holding a trusted key writes.
type Child = Node | string | number | null | undefined | false;

export interface Props {
  readonly class?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly data?: Readonly<Record<string, string>>;
  readonly onClick?: (event: Event) => void;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  for (const [name, value] of Object.entries(props.data ?? {})) element.dataset[name] = value;
  if (props.onClick) element.addEventListener('click', props.onClick);
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/**
 * A long list rendered a page at a time with a "Show more" button, so ten thousand rows never become ten thousand
 * DOM nodes at once.
 */
export function pagedList<T>(list: HTMLElement, items: readonly T[], render: (item: T) => HTMLElement, pageSize = 100): void {
  clear(list);
  let shown = 0;
  const more = h('li', {}, h('button', { attrs: { type: 'button' }, class: 'more', onClick: () => showMore() }));
  const showMore = (): void => {
    more.remove();
    const next = items.slice(shown, shown + pageSize);
    for (const item of next) list.appendChild(render(item));
    shown += next.length;
    if (shown < items.length) {
      const button = more.firstElementChild as HTMLButtonElement;
      button.textContent = `Show ${Math.min(pageSize, items.length - shown)} more of ${items.length - shown}`;
      list.appendChild(more);
    }
  };
  showMore();
}

/** Saves text (or a Blob already built) as a file through a blob: URL (the page's CSP allows blob: downloads only). */
export function saveFile(name: string, content: string | Blob, type: string): void {
  const url = URL.createObjectURL(typeof content === 'string' ? new Blob([content], { type }) : content);
  const link = h('a', { attrs: { href: url, download: name } });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
