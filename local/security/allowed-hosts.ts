/** The names every local server answers to: a browser reaches loopback by these, and no DNS answer can stand for them. */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'] as const;

/**
 * The Host check against DNS rebinding: a page on `rebind.example` whose name is made to resolve to 127.0.0.1 is
 * same-origin with itself, so the browser lets it read what it fetches — but its requests say `Host: rebind.example`.
 * Each server answers only the names it is served as: the loopback names, the host it was bound to, and those
 * allowed (`allowedHosts`: `app` or `.example.test`, the latter for the domain and its subdomains).
 * The port is not checked: published through Docker (`-p 8080:3001`) a server is reached on another port than its
 * own, and a rebinding page cannot choose the name, whatever the port.
 *
 * @returns why a request is refused, or undefined when its Host is allowed.
 * @example const refusal = hostRefusal(request.headers.host); if (refusal) return res.status(403).json({ message: refusal });
 */
export type HostCheck = (hostHeader: string | undefined) => string | undefined;

export function hostCheck(bindHost: string, allowedHosts: readonly string[] = []): HostCheck {
  const exact = new Set<string>([...LOOPBACK_HOSTS, hostname(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost)]);
  const domains: string[] = [];
  for (const entry of allowedHosts) {
    const name = hostname(entry);
    if (name.startsWith('.')) domains.push(name);
    else exact.add(name);
  }
  const served = [...exact, ...domains.map((d) => `*${d}`)].join(', ');
  return (hostHeader) => {
    if (hostHeader === undefined || hostHeader === '') return `A Host header is required; this server is served as ${served}`;
    const name = hostname(hostHeader);
    if (exact.has(name) || domains.some((domain) => name.endsWith(domain) || name === domain.slice(1))) return undefined;
    return `Host "${hostHeader}" is not a name this server is served as (${served}): refused against DNS rebinding. Start it with --allowed-host ${name.replace(/^\[|\]$/g, '')} (or the allowedHosts option) to allow it`;
  };
}

/** `Localhost:3001` -> `localhost`, `[::1]:3001` -> `[::1]`, `example.test.` -> `example.test`. */
function hostname(host: string): string {
  const lower = host.trim().toLowerCase();
  const name = lower.startsWith('[') ? lower.slice(0, lower.indexOf(']') + 1) : lower.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}
