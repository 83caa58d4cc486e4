import type { ChatDeps } from './deps.ts';
import { deliverToRoom } from './delivery.ts';
import type { Connection } from './ports.ts';

/**
 * Removes a connection from every room and tells the other members. Idempotent: a second call (API Gateway's
 * best-effort $disconnect after we already found the connection gone) finds nothing and does nothing.
 */
export async function disconnect(deps: ChatDeps, connectionId: string): Promise<Connection | undefined> {
  const removed = await deps.connections.remove(connectionId);
  if (removed === undefined) return undefined;
  for (const room of removed.rooms) {
    await deliverToRoom(deps, room, {
      type: 'presence',
      room,
      event: 'leave',
      connectionId,
      name: removed.name,
    });
  }
  return removed;
}
