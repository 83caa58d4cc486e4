import type { ClientGateway, ConnectionRepository } from './ports.ts';

export interface BroadcastSummary {
  delivered: number;
  gone: string[];
  failed: { connectionId: string; error: unknown }[];
}

export interface BroadcastDeps {
  connections: ConnectionRepository;
  gateway: ClientGateway;
  /** How many sends may be in flight at once. */
  concurrency: number;
  /** Members read per page. */
  pageSize: number;
}

export const BROADCAST_DEFAULTS = { concurrency: 32, pageSize: 100 } as const;

/**
 * Sends one frame to every member of a room, page by page, with at most `concurrency` sends in flight.
 * A failed or gone recipient never stops the others; the caller decides what to do with the gone ones.
 */
export async function broadcast(
  deps: BroadcastDeps,
  room: string,
  frame: string,
  options: { except?: string } = {},
): Promise<BroadcastSummary> {
  const summary: BroadcastSummary = { delivered: 0, gone: [], failed: [] };
  const sendOne = async (connectionId: string): Promise<void> => {
    try {
      const delivery = await deps.gateway.send(connectionId, frame);
      if (delivery === 'gone') summary.gone.push(connectionId);
      else summary.delivered += 1;
    } catch (error) {
      summary.failed.push({ connectionId, error });
    }
  };

  const inFlight = new Set<Promise<void>>();
  let cursor: string | undefined;
  do {
    const page = await deps.connections.membersOf(room, { limit: deps.pageSize, cursor });
    for (const connectionId of page.connectionIds) {
      if (connectionId === options.except) continue;
      const sending: Promise<void> = sendOne(connectionId).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      if (inFlight.size >= deps.concurrency) await Promise.race(inFlight);
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  await Promise.all(inFlight);
  return summary;
}
