import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCappedBody } from '../runtime/intercept/relayed-call.ts';
import type { RelayedAnswer, RelayedCall } from '../runtime/intercept/relayed-call.ts';
import { MAX_POST_BYTES } from './connection-management.ts';
import type { ConnectionManagement } from './connection-management.ts';
import type { HostCheck } from '../security/allowed-hosts.ts';
import { callerRefusal } from './caller-checks.ts';

export type { ManagementRecord } from './connection-management.ts';
export { MAX_POST_BYTES } from './connection-management.ts';
export { isConnectionsPath } from '../runtime/intercept/relayed-call.ts';

/** One @connections call as it arrived (over HTTP, or relayed by an execution environment). */
export type ConnectionsCall = RelayedCall;
/** What a call gets back. */
export type ConnectionsAnswer = RelayedAnswer;
/** The request line and headers: all a refusal looks at. */
type CallHead = Pick<ConnectionsCall, 'method' | 'url' | 'headers'>;

/**
 * The `@connections` management API, at `/{stage}/@connections/{id}` and `/@connections/{id}`: POST (send a
 * frame), GET (connection facts), DELETE (close). Errors carry `x-amzn-ErrorType`, which SDK v3 reads to throw
 * GoneException, PayloadTooLargeException and ForbiddenException by name (aws-sdk-js-v3's apigatewaymanagementapi model).
 * Unsigned calls, browsers and other Host names are refused first (see `callerRefusal`).
 *
 * One answer for both ways in: HTTP (`connectionsApi`), and the calls the execution environments relay over their
 * thread's port (the handlers' SDK calls, see intercept-preload.ts), which carry the same request line and headers.
 */
export function connectionsAnswerer(management: ConnectionManagement, stage: string, checkHost: HostCheck) {
  /** The call's connection id, or the 403 it gets (a refused caller, another stage, a wrong path or method). */
  function admit(call: CallHead): { connectionId: string } | { refused: ConnectionsAnswer } {
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
      return { refused: answer(403, { message: refusal }, 'ForbiddenException') };
    }
    if (!match || (match[1] !== undefined && match[1] !== stage) || (method !== 'POST' && method !== 'GET' && method !== 'DELETE')) {
      management.refused(method, connectionId, 403);
      return { refused: answer(403, { message: `Forbidden: ${method} ${path} is not /${stage}/@connections/{connectionId}` }, 'ForbiddenException') };
    }
    return { connectionId };
  }

  /** The answer to a call admitted (`admit`), given its body. */
  function answerAdmitted(method: string, connectionId: string, call: Pick<ConnectionsCall, 'body' | 'size'>): ConnectionsAnswer {
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
  }

  return {
    admit,
    answerAdmitted,
    /** A whole call at once (the relayed ones come with their body). */
    answer(call: ConnectionsCall): ConnectionsAnswer {
      const admitted = admit(call);
      return 'refused' in admitted ? admitted.refused : answerAdmitted(call.method, admitted.connectionId, call);
    },
  };
}

/** The management API over HTTP: a refused call is answered at once; an admitted POST once its body is read. */
export function connectionsApi(management: ConnectionManagement, stage: string, checkHost: HostCheck) {
  const { admit, answerAdmitted } = connectionsAnswerer(management, stage, checkHost);
  const send = (response: ServerResponse, { status, headers, body }: ConnectionsAnswer) => void response.writeHead(status, headers).end(body);
  // Every PostToConnection runs this: no URL object, no closures or async iterator per call. Whatever throws in
  // answering one call ends that call's response, never the emulator.
  return (request: IncomingMessage, response: ServerResponse): void => {
    try {
      const method = request.method ?? 'GET';
      const admitted = admit({ method, url: request.url ?? '/', headers: request.headers });
      if ('refused' in admitted) {
        request.resume();
        return send(response, admitted.refused);
      }
      if (method !== 'POST') {
        request.resume();
        return send(response, answerAdmitted(method, admitted.connectionId, { body: EMPTY, size: 0 }));
      }
      readCappedBody(request, MAX_POST_BYTES + 1, (body, size) => send(response, answerAdmitted(method, admitted.connectionId, { body, size })), () => response.destroy());
    } catch {
      response.destroy();
    }
  };
}

const EMPTY = new Uint8Array(0);

const CONNECTIONS_PATH = /^(?:\/([^/]+))?\/@connections\/([^/]+)\/?$/;

function answer(status: number, body?: unknown, errorType?: string): ConnectionsAnswer {
  const headers: Record<string, string> = { 'x-amzn-RequestId': crypto.randomUUID() };
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return { status, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) };
}

function gone(): ConnectionsAnswer {
  return answer(410, { message: null }, 'GoneException');
}
