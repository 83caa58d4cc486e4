import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { disconnect } from '../../domain/chat.ts';
import { depsFor } from './compose.ts';
import { describeError, logEvent } from './event-log.ts';

/** `$disconnect`: best-effort on AWS, and idempotent here, since a broadcast may have removed the connection first. */
export async function handler(event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> {
  const startedAt = Date.now();
  const { requestContext } = event;
  try {
    const removed = await disconnect(depsFor(requestContext), requestContext.connectionId);
    logEvent(requestContext, startedAt, 'ok', { removed: removed !== undefined, rooms: removed?.rooms ?? [] });
    return { statusCode: 200 };
  } catch (error) {
    logEvent(requestContext, startedAt, 'failed', describeError(error));
    throw error;
  }
}
