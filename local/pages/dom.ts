/** Builds an element with properties and children; text children become text nodes, never markup. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | number | boolean | ((event: Event) => void)>> = {},
  ...children: (Node | string | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(key.replace(/^on/, ''), value);
    else if (key === 'className' || key === 'textContent' || key === 'value' || key === 'type' || key === 'title') (element as unknown as Record<string, unknown>)[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined && child !== false) element.append(child);
  return element;
}

/** UTF-8 bytes of a text, as API Gateway counts its frame and message limits. */
export const byteLength = (text: string): number => new TextEncoder().encode(text).byteLength;

/** `12 B`, `3.4 KB`, `1.2 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** HH:MM:SS.mmm in local time, with the full ISO time on hover. */
export function timeElement(at: Date | string): HTMLTimeElement {
  const date = typeof at === 'string' ? new Date(at) : at;
  const time = document.createElement('time');
  time.dateTime = date.toISOString();
  time.title = date.toISOString();
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  time.textContent = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  return time;
}

/**
 * Makes `rows` the body's children, in order, without moving the ones already there: a row removed and put back
 * between a press and a release loses the click, as a rebuilt one does.
 */
export function keepInPlace(body: HTMLElement, rows: HTMLElement[]): void {
  const wanted = new Set<Element>(rows);
  for (const child of [...body.children]) if (!wanted.has(child)) child.remove();
  rows.forEach((row, i) => {
    if (body.children[i] !== row) body.insertBefore(row, body.children[i] ?? null);
  });
}
