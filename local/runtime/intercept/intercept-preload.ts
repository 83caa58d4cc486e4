import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { localOriginFor, targetsFromEnvironment } from './aws-hosts.ts';
import type { AwsHostTargets } from './aws-hosts.ts';
import { connectionsRelay } from './connections-relay.ts';
import { isConnectionsPath } from './relayed-call.ts';

// Required, not imported: on Node 22+ the ESM view of node:http reads all its exports, WebSocket among them, which
// loads undici (~180 ms of a cold start on Node 22 here) in every environment, whether or not its handler ever fetches.
const require = createRequire(import.meta.url);
const http = require('node:http') as typeof Http;
const https = require('node:https') as typeof Https;

/*
 * Preloaded inside a function environment (a worker thread), before the handler: requests the handler makes to the AWS
 * hostnames wsgate serves (aws-hosts.ts) are sent as plain HTTP to the local port instead, so AWS's own
 * `https://{domainName}/{stage}` endpoint, SDK v2 (which ignores AWS_ENDPOINT_URL_*), an SDK v3 older than that support,
 * and fetch all reach the emulator. No TLS is attempted for them, so none is weakened; every other host is untouched,
 * and the emulator's own thread never loads this file. SDK v2/v3 go through node:http(s).request; fetch goes through
 * undici's global dispatcher, wrapped on the first fetch (interceptFetch).
 */

type RequestArgs = [url: string | URL | Http.RequestOptions, options?: Http.RequestOptions | ((res: Http.IncomingMessage) => void), callback?: (res: Http.IncomingMessage) => void];

const logged = new Set<string>();
function announce(host: string, origin: string): void {
  if (logged.has(host)) return;
  logged.add(host);
  console.log(`wsgate: requests to ${host} go to ${origin} (inside this function's environment; --no-intercept turns it off)`);
}

/** The request's options as one object, whichever of request(url, options, cb) / request(options, cb) was used. */
function normalize(args: RequestArgs): { options: Http.RequestOptions; callback?: (res: Http.IncomingMessage) => void } {
  const [first, second, third] = args;
  if (typeof first === 'string' || first instanceof URL) {
    const url = new URL(first);
    const base: Http.RequestOptions = { protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, path: `${url.pathname}${url.search}` };
    return typeof second === 'function' ? { options: base, callback: second } : { options: { ...base, ...second }, ...(third ? { callback: third } : {}) };
  }
  return { options: { ...first }, ...(typeof second === 'function' ? { callback: second } : {}) };
}

function hostOf(options: Http.RequestOptions): string {
  return String(options.hostname ?? options.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
}

/** Options for the same request, sent as plain HTTP to `origin`; the Host header still names the AWS host. */
function redirected(options: Http.RequestOptions, host: string, origin: string): Http.RequestOptions {
  const target = new URL(origin);
  const { agent: _agent, host: _host, hostname: _hostname, port: _port, protocol: _protocol, servername: _servername, ...rest } = options as Http.RequestOptions & { servername?: string };
  return { ...rest, protocol: 'http:', hostname: target.hostname, port: target.port, agent: undefined, headers: { ...(options.headers as Record<string, string>), host } };
}

/** A plain-HTTP request straight to `connections` (the SDK v3 endpoint the emulator sets), by host and port. */
function toOrigin(options: Http.RequestOptions, host: string, connections: URL): boolean {
  if ((options.protocol ?? 'http:') !== 'http:') return false;
  // `host` may carry the port ("127.0.0.1:3001", "[::1]:3001"); a bare IPv6 address has colons but no port.
  const portInHost = /^(?:\[[^\]]*\]|[^:]*):(\d+)$/.exec(String(options.host ?? ''))?.[1];
  const port = String(options.port ?? portInHost ?? '80');
  return host === connections.hostname.replace(/^\[|\]$/g, '') && port === (connections.port || '80');
}

export function interceptAwsHosts(targets: AwsHostTargets): void {
  const plainRequest = http.request;
  // Only for the emulator that answers them: an endpoint set to another API or server is left to reach it over TCP.
  const relay = connectionsRelay(http);
  const relayed = relay && relay.settings.origin === targets.connections ? relay.agent : undefined;
  const connections = new URL(targets.connections);
  const wrap = (original: typeof http.request, plain: boolean) =>
    ((...args: RequestArgs) => {
      const { options, callback } = normalize(args);
      const host = hostOf(options);
      const origin = localOriginFor(host, targets);
      if (relayed && isConnectionsPath(options.path)) {
        // The handler's @connections call, over the environment's port (connections-relay.ts), however it was addressed.
        if (origin === targets.connections) {
          announce(host, origin);
          return plainRequest({ ...redirected(options, host, origin), agent: relayed }, callback);
        }
        if (plain && toOrigin(options, host, connections)) return plainRequest({ ...options, agent: relayed }, callback);
      }
      if (origin === undefined) return (original as (...a: unknown[]) => Http.ClientRequest)(...args);
      announce(host, origin);
      return plainRequest(redirected(options, host, origin), callback);
    }) as typeof http.request;
  const get = (request: typeof http.request) =>
    ((...args: RequestArgs) => {
      const req = (request as (...a: unknown[]) => Http.ClientRequest)(...args);
      req.end();
      return req;
    }) as typeof http.get;
  https.request = wrap(https.request, false);
  https.get = get(https.request);
  http.request = wrap(plainRequest, true);
  http.get = get(http.request);
  syncBuiltinESMExports(); // `import { request } from 'node:https'` sees the wrapped function too
}

/**
 * fetch (Node's undici): the global dispatcher, wrapped so requests to the hosts served go to the local origin. Node
 * loads undici on the first fetch, not before (on Node 22 that took ~180 ms of a cold start here), so nothing is loaded
 * here: `globalThis.fetch` is wrapped instead, and its first call wraps the dispatcher before any request goes out.
 * What else uses that dispatcher before the first fetch (the npm `undici` package, the global WebSocket or
 * EventSource) is not redirected: none of the SDKs does, and none of them is how a handler calls AWS.
 */
function interceptFetch(targets: AwsHostTargets): void {
  const builtin = globalThis.fetch;
  if (typeof builtin !== 'function') return;
  let wrapping: Promise<void> | undefined;
  let wrapped = false;
  const fetch = (input: Parameters<typeof builtin>[0], init?: Parameters<typeof builtin>[1]): Promise<Response> => {
    if (wrapped) return builtin(input, init);
    wrapping ??= wrapDispatcher(builtin, targets)
      .catch(() => {}) // never a reason for the fetch itself to fail
      .finally(() => (wrapped = true));
    return wrapping.then(() => builtin(input, init));
  };
  globalThis.fetch = fetch as typeof globalThis.fetch;
}

async function wrapDispatcher(builtin: typeof globalThis.fetch, targets: AwsHostTargets): Promise<void> {
  const key = Symbol.for('undici.globalDispatcher.1');
  await builtin('data:,').catch(() => undefined); // loads Node's undici, which creates the global dispatcher
  const store = globalThis as unknown as Record<symbol, { dispatch(options: Record<string, unknown>, handler: unknown): boolean } | undefined>;
  const original = store[key];
  if (original === undefined) return;
  store[key] = Object.assign(Object.create(original), {
    dispatch(options: Record<string, unknown>, handler: unknown) {
      const url = new URL(String(options.origin));
      const origin = localOriginFor(url.hostname, targets);
      if (origin === undefined) return original.dispatch(options, handler);
      announce(url.hostname, origin);
      return original.dispatch({ ...options, origin }, handler);
    },
  });
}

const targets = process.env.WSGATE_INTERCEPT === 'false' ? undefined : targetsFromEnvironment(process.env);
if (targets) {
  interceptAwsHosts(targets);
  interceptFetch(targets);
}
