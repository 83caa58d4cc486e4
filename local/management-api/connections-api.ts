import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { MAX_POST_BYTES } from './connection-management.ts';
import type { ConnectionManagement } from './connection-management.ts';
import type { HostCheck } from '../security/allowed-hosts.ts';
import { callerRefusal } from './caller-checks.ts';

export type { ManagementRecord } from './connection-management.ts';
export { MAX_POST_BYTES } from './connection-management.ts';

/** One @connections call as it arrived: the request line, the headers, the body (at most one byte past the limit). */
export interface ConnectionsCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Uint8Array;
  /** The body's whole size, of which `body` kept at most MAX_POST_BYTES + 1. */
  size: number;
}

/** What a call gets back: the HTTP status, the headers and the JSON body, if any. */
export interface ConnectionsAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

/**
 * The `@connections` management API, at `/{stage}/@connections/{id}` and `/@connections/{id}`: POST (send a
 * frame), GET (connection facts), DELETE (close). Errors carry `x-amzn-ErrorType`, which SDK v3 reads to throw
 * GoneException, PayloadTooLargeException and ForbiddenException by name (aws-sdk-js-v3's apigatewaymanagementapi model).
 * Unsigned calls, browsers and other Host names are refused first (see `callerRefusal`).
 *
 * One answer for both ways in: HTTP (`connectionsApi`), and the calls the execution environments relay over their
 * thread's port (the handlers' SDK calls, see intercept-preload.ts), which carry the same request line and headers.
 */
export function connectionsAnswerer(management: ConnectionManagement, stage: string, checkHost: HostCheck): (call: ConnectionsCall) => ConnectionsAnswer {
  return (call) => {
    const { method, url: target } = call;
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath;
    }
    const match = CONNECTIONS_PATH.exec(path);
    const connectionId = match?.[2] ?? '';

    const refusal = callerRefusal(call, checkHost);
    if (refusal !== undefined) {
      management.refused(method, connectionId, 403);
      return answer(403, { message: refusal }, 'ForbiddenException');
    }
    if (!match || (match[1] !== undefined && match[1] !== stage) || (method !== 'POST' && method !== 'GET' && method !== 'DELETE')) {
      management.refused(method, connectionId, 403);
      return answer(403, { message: `Forbidden: ${method} ${path} is not /${stage}/@connections/{connectionId}` }, 'ForbiddenException');
    }
    if (method === 'POST') {
      const outcome = management.post(connectionId, call.body);
      if (outcome === 'too-large') return answer(413, { message: `Request entity too large: ${call.size} bytes, at most ${MAX_POST_BYTES}` }, 'PayloadTooLargeException');
      return outcome === 'delivered' ? answer(200) : gone();
    }
    if (method === 'GET') {
      const info = management.get(connectionId);
      if (info === undefined) return gone();
      return answer(200, { connectedAt: info.connectedAt, lastActiveAt: info.lastActiveAt, identity: { sourceIp: info.sourceIp, userAgent: info.userAgent } });
    }
    return management.delete(connectionId) === 'delivered' ? answer(204) : gone();
  };
}

/** The management API over HTTP: reads the body (POST), then answers as `connectionsAnswerer`. */
export function connectionsApi(management: ConnectionManagement, stage: string, checkHost: HostCheck) {
  const answerCall = connectionsAnswerer(management, stage, checkHost);
  // Every PostToConnection runs this: no URL object, no closures or async iterator per call. Whatever throws in
  // answering one call ends that call's response, never the emulator.
  return (request: IncomingMessage, response: ServerResponse): void => {
    const call = (body: Uint8Array, size: number): void => {
      try {
        const { status, headers, body: text } = answerCall({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, rawHeaders: request.rawHeaders, body, size });
        response.writeHead(status, headers).end(text);
      } catch {
        response.destroy();
      }
    };
    if (request.method === 'POST') return readBody(request, call, () => response.destroy());
    request.resume();
    call(EMPTY, 0);
  };
}

const EMPTY = new Uint8Array(0);

const CONNECTIONS_PATH = /^(?:\/([^/]+))?\/@connections\/([^/]+)\/?$/;

/** A request for the @connections API's paths (`/{stage}/@connections/…`, `/@connections/…`), by its target. */
export function isConnectionsPath(url: string | null | undefined): boolean {
  return /^(?:\/[^/]+)?\/@connections(?:\/|$)/.test((url ?? '/').split('?')[0]!);
}

/**
 * The body, keeping at most one byte past the limit: enough to know it is too large, without buffering a huge one.
 * A caller that hangs up mid-request gets no answer (`failed`); so does one whose answer throws.
 */
export function readBody(request: IncomingMessage, then: (body: Buffer, size: number) => void, failed: () => void): void {
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let kept = 0;
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (kept > MAX_POST_BYTES) return;
    const part = chunk.length <= MAX_POST_BYTES + 1 - kept ? chunk : chunk.subarray(0, MAX_POST_BYTES + 1 - kept);
    kept += part.length;
    if (first === undefined) first = part;
    else (more ??= [first]).push(part);
  });
  request.on('end', () => {
    try {
      then(more ? Buffer.concat(more) : (first ?? Buffer.alloc(0)), size);
    } catch {
      failed();
    }
  });
  request.on('error', failed);
}

function answer(status: number, body?: unknown, errorType?: string): ConnectionsAnswer {
  const headers: Record<string, string> = { 'x-amzn-RequestId': crypto.randomUUID() };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return { status, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) };
}

function gone(): ConnectionsAnswer {
  return answer(410, { message: null }, 'GoneException');
}
