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
  // A caller that hangs up mid-request must not become an unhandled rejection: its response is simply dropped.
  return (request: IncomingMessage, response: ServerResponse): void =>
    void handle(request, response).catch(() => response.destroy());

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    // The path without building a URL object per call: this runs for every PostToConnection.
    const target = request.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath;
    }
    const match = /^(?:\/([^/]+))?\/@connections\/([^/]+)\/?$/.exec(path);
    const connectionId = match?.[2] ?? '';
    const answer = (status: number, body?: unknown, errorType?: string) => {
      const headers: Record<string, string> = { 'x-amzn-RequestId': crypto.randomUUID() };
      if (errorType) headers['x-amzn-ErrorType'] = errorType;
      if (body !== undefined) headers['content-type'] = 'application/json';
      response.writeHead(status, headers).end(body === undefined ? undefined : JSON.stringify(body));
    };
    const gone = () => answer(410, { message: null }, 'GoneException');

    const refusal = callerRefusal(request, checkHost);
    if (refusal !== undefined) {
      request.resume();
      management.refused(method, connectionId, 403);
      return answer(403, { message: refusal }, 'ForbiddenException');
    }

    if (!match || (match[1] !== undefined && match[1] !== stage) || !['POST', 'GET', 'DELETE'].includes(method)) {
      request.resume();
      management.refused(method, connectionId, 403);
      return answer(403, { message: `Forbidden: ${method} ${path} is not /${stage}/@connections/{connectionId}` }, 'ForbiddenException');
    }

    if (method === 'POST') {
      // Keep at most one byte past the limit: enough to know it is too large, without buffering a huge body.
      const chunks: Buffer[] = [];
      let kept = 0;
      let size = 0;
      for await (const chunk of request as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (kept <= MAX_POST_BYTES) {
          const part = chunk.subarray(0, MAX_POST_BYTES + 1 - kept);
          chunks.push(part);
          kept += part.length;
        }
      }
      const outcome = management.post(connectionId, Buffer.concat(chunks));
      if (outcome === 'too-large') {
        return answer(413, { message: `Request entity too large: ${size} bytes, at most ${MAX_POST_BYTES}` }, 'PayloadTooLargeException');
      }
      return outcome === 'delivered' ? answer(200) : gone();
    }

    request.resume();
    if (method === 'GET') {
      const info = management.get(connectionId);
      if (info === undefined) return gone();
      return answer(200, { connectedAt: info.connectedAt, lastActiveAt: info.lastActiveAt, identity: { sourceIp: info.sourceIp, userAgent: info.userAgent } });
    }
    return management.delete(connectionId) === 'delivered' ? answer(204) : gone();
  }
}
