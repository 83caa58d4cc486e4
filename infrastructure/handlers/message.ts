import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { chatRouter } from '../../domain/chat.ts';
import { depsFor } from './compose.ts';
import { describeError, logEvent } from './event-log.ts';
import { STATUS_BY_CODE } from './status-codes.ts';

/**
 * Every MESSAGE route (`sendmessage`, `join`, `leave`, `whoami`, `$default`) lands here: the domain router selects
 * by `action` exactly as API Gateway's `$request.body.action` did, so one handler serves them all and an unknown
 * action or a non-JSON frame (API Gateway's `$default`) becomes an UNKNOWN_ACTION error frame to the sender.
 */
export async function handler(event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyResultV2> {
  const startedAt = Date.now();
  const { requestContext } = event;
  try {
    const result = await chatRouter.dispatch(depsFor(requestContext), {
      connectionId: requestContext.connectionId,
      payload: parseBody(event.body),
    });
    if (result.outcome === 'rejected') {
      logEvent(requestContext, startedAt, 'rejected', { code: result.error.code, message: result.error.message });
      return { statusCode: STATUS_BY_CODE[result.error.code] };
    }
    const { delivery } = result;
    logEvent(
      requestContext,
      startedAt,
      'ok',
      delivery && {
        delivered: delivery.delivered,
        gone: delivery.gone.length,
        // Recipients are isolated: their failures are logged, never the sender's problem.
        failed: delivery.failed.map((f) => ({ connectionId: f.connectionId, ...describeError(f.error) })),
      },
    );
    return { statusCode: 200 };
  } catch (error) {
    logEvent(requestContext, startedAt, 'failed', describeError(error));
    throw error;
  }
}

/** The frame's JSON object, or `{}` for anything else (non-JSON, arrays, strings): the router rejects it as unknown. */
function parseBody(body: string | undefined): Record<string, unknown> {
  if (body === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
