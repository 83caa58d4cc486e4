import type { ChatDeps } from './deps.ts';
import type { Connection } from './ports.ts';
import { announcePresence } from './presence.ts';

/**
 * Removes a connection from every room and tells the other members. Idempotent: a second call (API Gateway's
 * best-effort $disconnect after we already found the connection gone) finds nothing and does nothing.
 */
export async function disconnect(deps: ChatDeps, connectionId: string): Promise<Connection | undefined> {
  const removed = await deps.connections.remove(connectionId);
  if (removed === undefined) return undefined;
  for (const room of removed.rooms) {
    await announcePresence(deps, room, { event: 'leave', connectionId, name: removed.name });
  }
  return removed;
}
