import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { connect } from '../../domain/chat.ts';
import { DomainError } from '../../domain/errors.ts';
import { depsFor } from './compose.ts';
import { describeError, logEvent } from './event-log.ts';
import { STATUS_BY_CODE } from './status-codes.ts';

/** $connect carries the upgrade request's headers too (the query string is already in the V2 type). */
export type WebSocketConnectEvent = APIGatewayProxyWebsocketEventV2 & { headers?: Record<string, string | undefined> };

/**
 * `$connect ?room=R&name=N`: a 2xx accepts the handshake; a 400 refuses it (API Gateway makes the integration's
 * status the handshake's), with the reason in the body for whoever reads the logs.
 */
export async function handler(event: WebSocketConnectEvent): Promise<APIGatewayProxyResultV2> {
  const startedAt = Date.now();
  const { requestContext } = event;
  const query = event.queryStringParameters ?? {};
  try {
    const connection = await connect(depsFor(requestContext), {
      connectionId: requestContext.connectionId,
      room: query.room,
      name: query.name,
    });
    logEvent(requestContext, startedAt, 'ok', { room: connection.rooms[0], name: connection.name });
    return { statusCode: 200 };
  } catch (error) {
    if (!(error instanceof DomainError)) {
      logEvent(requestContext, startedAt, 'failed', describeError(error));
      throw error;
    }
    logEvent(requestContext, startedAt, 'rejected', { code: error.code, message: error.message });
    return { statusCode: STATUS_BY_CODE[error.code], body: error.message };
  }
}
