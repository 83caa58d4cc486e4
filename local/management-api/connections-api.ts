import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocketGateway } from '../gateway/websocket-gateway.ts';

/** PostToConnection's data limit (the Smithy model's 128 KB). */
export const MAX_POST_BYTES = 131_072;

export interface ManagementRecord {
  time: string;
  method: string;
  connectionId: string;
  status: number;
}

/**
 * The `@connections` management API at `/@connections/{id}` and `/{stage}/@connections/{id}`: POST (send a frame),
 * GET (connection facts), DELETE (close). Errors carry `x-amzn-ErrorType`, so SDK v3 throws GoneException,
 * PayloadTooLargeException and ForbiddenException by name.
 */
export function connectionsApi(gateway: WebSocketGateway, stage: string, events: EventEmitter) {
  return async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const match = /^(?:\/([^/]+))?\/@connections\/([^/]+)\/?$/.exec(path);
    const method = request.method ?? 'GET';
    const connectionId = match?.[2] ?? '';
    const answer = (status: number, body?: unknown, errorType?: string) => {
      events.emit('management', { time: new Date().toISOString(), method, connectionId, status } satisfies ManagementRecord);
      const headers: Record<string, string> = {};
      if (errorType) headers['x-amzn-ErrorType'] = errorType;
      if (body !== undefined) headers['content-type'] = 'application/json';
      response.writeHead(status, headers).end(body === undefined ? undefined : JSON.stringify(body));
    };

    if (!match || (match[1] !== undefined && match[1] !== stage) || !['POST', 'GET', 'DELETE'].includes(method)) {
      request.resume();
      return answer(403, { message: `Forbidden: ${method} ${path} is not /${stage}/@connections/{connectionId}` }, 'ForbiddenException');
    }

    if (method === 'POST') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of request as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size <= MAX_POST_BYTES) chunks.push(chunk);
      }
      if (size > MAX_POST_BYTES) {
        return answer(413, { message: `Request entity too large: ${size} bytes, at most ${MAX_POST_BYTES}` }, 'PayloadTooLargeException');
      }
      return gateway.post(connectionId, Buffer.concat(chunks).toString('utf8')) === 'delivered'
        ? answer(200)
        : answer(410, { message: null }, 'GoneException');
    }

    request.resume();
    if (method === 'GET') {
      const info = gateway.info(connectionId);
      if (info === undefined) return answer(410, { message: null }, 'GoneException');
      return answer(200, {
        connectedAt: info.connectedAt,
        lastActiveAt: info.lastActiveAt,
        identity: { sourceIp: info.sourceIp, userAgent: info.userAgent },
      });
    }
    return gateway.disconnect(connectionId) === 'delivered' ? answer(204) : answer(410, { message: null }, 'GoneException');
  };
}
