import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_POST_BYTES } from './connection-management.ts';
import type { ConnectionManagement } from './connection-management.ts';
import type { HostCheck } from '../security/allowed-hosts.ts';
import { callerRefusal } from './caller-checks.ts';

export type { ManagementRecord } from './connection-management.ts';
export { MAX_POST_BYTES } from './connection-management.ts';

/**
 * The `@connections` management API over HTTP, at `/{stage}/@connections/{id}` and `/@connections/{id}`: POST (send a
 * frame), GET (connection facts), DELETE (close). Errors carry `x-amzn-ErrorType`, which SDK v3 reads to throw
 * GoneException, PayloadTooLargeException and ForbiddenException by name (aws-sdk-js-v3's apigatewaymanagementapi model).
 * Unsigned calls, browsers and other Host names are refused first (see `callerRefusal`).
 */
export function connectionsApi(management: ConnectionManagement, stage: string, checkHost: HostCheck) {
  // Every PostToConnection runs this: no URL object, no closures or async iterator per call. Whatever throws in
  // answering one call ends that call's response, never the emulator.
  return (request: IncomingMessage, response: ServerResponse): void => {
    try {
      serve(request, response);
    } catch {
      response.destroy();
    }
  };

  function serve(request: IncomingMessage, response: ServerResponse): void {
    const method = request.method ?? 'GET';
    const target = request.url ?? '/';
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

    const refusal = callerRefusal(request, checkHost);
    if (refusal !== undefined) {
      request.resume();
      management.refused(method, connectionId, 403);
      return answer(response, 403, { message: refusal }, 'ForbiddenException');
    }

    if (!match || (match[1] !== undefined && match[1] !== stage) || (method !== 'POST' && method !== 'GET' && method !== 'DELETE')) {
      request.resume();
      management.refused(method, connectionId, 403);
      return answer(response, 403, { message: `Forbidden: ${method} ${path} is not /${stage}/@connections/{connectionId}` }, 'ForbiddenException');
    }

    if (method === 'POST') return readBody(request, response, (body, size) => posted(management, connectionId, response, body, size));

    request.resume();
    if (method === 'GET') {
      const info = management.get(connectionId);
      if (info === undefined) return gone(response);
      return answer(response, 200, { connectedAt: info.connectedAt, lastActiveAt: info.lastActiveAt, identity: { sourceIp: info.sourceIp, userAgent: info.userAgent } });
    }
    return management.delete(connectionId) === 'delivered' ? answer(response, 204) : gone(response);
  }
}

const CONNECTIONS_PATH = /^(?:\/([^/]+))?\/@connections\/([^/]+)\/?$/;

function posted(management: ConnectionManagement, connectionId: string, response: ServerResponse, body: Buffer, size: number): void {
  const outcome = management.post(connectionId, body);
  if (outcome === 'too-large') {
    return answer(response, 413, { message: `Request entity too large: ${size} bytes, at most ${MAX_POST_BYTES}` }, 'PayloadTooLargeException');
  }
  return outcome === 'delivered' ? answer(response, 200) : gone(response);
}

/**
 * The body, keeping at most one byte past the limit: enough to know it is too large, without buffering a huge one.
 * A caller that hangs up mid-request gets no answer (its response is dropped).
 */
function readBody(request: IncomingMessage, response: ServerResponse, then: (body: Buffer, size: number) => void): void {
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
      response.destroy();
    }
  });
  request.on('error', () => response.destroy());
}

function answer(response: ServerResponse, status: number, body?: unknown, errorType?: string): void {
  const headers: Record<string, string> = { 'x-amzn-RequestId': crypto.randomUUID() };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  if (body !== undefined) headers['content-type'] = 'application/json';
  response.writeHead(status, headers).end(body === undefined ? undefined : JSON.stringify(body));
}

function gone(response: ServerResponse): void {
  answer(response, 410, { message: null }, 'GoneException');
}
