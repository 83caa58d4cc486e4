import type { ChatDeps } from './deps.ts';
import type { Connection } from './ports.ts';
import { announcePresence } from './presence.ts';
import { parseName, parseRoom } from './protocol.ts';

/**
 * Registers a new connection in its first room (default `lobby`) and tells the room's other members.
 * The new connection itself hears nothing yet: API Gateway refuses posts to a connection still in $connect.
 *
 * @throws InvalidMessageError for a bad `room` or `name`.
 */
export async function connect(
  deps: ChatDeps,
  request: { connectionId: string; room?: unknown; name?: unknown },
): Promise<Connection> {
  const room = parseRoom(request.room);
  const name = parseName(request.name, request.connectionId);
  const connectedAt = deps.clock.now().getTime();
  await deps.connections.add({ connectionId: request.connectionId, name, connectedAt, room });
  await announcePresence(deps, room, { event: 'join', connectionId: request.connectionId, name });
  return { connectionId: request.connectionId, name, connectedAt, rooms: [room] };
}
