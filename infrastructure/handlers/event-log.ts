import type { APIGatewayEventWebsocketRequestContextV2 } from 'aws-lambda';

export type Outcome = 'ok' | 'rejected' | 'failed';

/**
 * One structured JSON line per event (CloudWatch Logs Insights can query it). `LOG_LEVEL=silent` turns it off,
 * e.g. in tests.
 */
export function logEvent(
  requestContext: Pick<APIGatewayEventWebsocketRequestContextV2, 'connectionId' | 'routeKey' | 'eventType'>,
  startedAt: number,
  outcome: Outcome,
  details: Record<string, unknown> = {},
): void {
  if (process.env.LOG_LEVEL === 'silent') return;
  const line = {
    level: outcome === 'failed' ? 'error' : 'info',
    connectionId: requestContext.connectionId,
    routeKey: requestContext.routeKey,
    eventType: requestContext.eventType,
    outcome,
    durationMs: Date.now() - startedAt,
    ...details,
  };
  (outcome === 'failed' ? console.error : console.log)(JSON.stringify(line));
}

export function describeError(error: unknown): Record<string, unknown> {
  return error instanceof Error ? { error: error.name, message: error.message } : { error: String(error) };
}
