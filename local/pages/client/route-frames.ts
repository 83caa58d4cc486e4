/**
 * The frame a route-key button fills in, from the API's route selection expression: `$request.body.action` and
 * route key `echo` give `{"action":"echo"}`; `$request.body.meta.kind` gives `{"meta":{"kind":"echo"}}`; a template
 * such as `${request.body.service}/${request.body.verb}` splits `chat/send` into `{"service":"chat","verb":"send"}`.
 * Fields already in the composer are kept. Undefined when the key cannot be produced by the expression.
 */
export function frameForRoute(expression: string, routeKey: string, current?: unknown): Record<string, unknown> | undefined {
  const base = typeof current === 'object' && current !== null && !Array.isArray(current) ? structuredClone(current as Record<string, unknown>) : {};
  const single = /^\$request\.body\.([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)$/.exec(expression.trim());
  if (single) return assign(base, single[1]!.split('.'), routeKey);

  const placeholder = /\$\{request\.body\.([A-Za-z0-9_$.-]+)\}/g;
  const paths = [...expression.matchAll(placeholder)].map((m) => m[1]!.split('.'));
  if (paths.length === 0) return undefined;
  const literals = expression.split(placeholder).filter((_, i) => i % 2 === 0);
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${literals.map(escape).join('(.*?)')}$`).exec(routeKey);
  if (!match) return undefined;
  paths.forEach((path, i) => assign(base, path, match[i + 1]!));
  return base;
}

function assign(target: Record<string, unknown>, path: string[], value: string): Record<string, unknown> {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? (next as Record<string, unknown>) : {};
  }
  node[path.at(-1)!] = value;
  return target;
}

/** The route keys worth a button: not $connect/$disconnect (the handshake and the close run those). */
export function sendableRoutes(routeKeys: string[]): string[] {
  return routeKeys.filter((key) => key !== '$connect' && key !== '$disconnect');
}
