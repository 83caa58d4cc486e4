import type { ActionHandler } from './action.ts';
import { reply } from './delivery.ts';
import { ConnectionUnknownError } from './errors.ts';
import { announcePresence } from './presence.ts';
import { LIMITS, parseRoom } from './protocol.ts';

/**
 * `{"action":"join","room":"R"}`: the sender is told `joined`, the other members get a presence join.
 * Joining a room twice confirms again without a second presence event. Big rooms hear a count instead (presence.ts).
 */
export const join: ActionHandler = async (deps, { connectionId, payload }) => {
  const room = parseRoom(payload.room);
  const member = await deps.connections.find(connectionId);
  if (member === undefined) throw new ConnectionUnknownError(connectionId);
  const outcome = await deps.connections.join(connectionId, room, { maxRooms: LIMITS.maxRoomsPerConnection });
  await reply(deps, connectionId, { type: 'joined', room });
  if (outcome === 'already-member') return undefined;
  return announcePresence(deps, room, { event: 'join', connectionId, name: member.name });
};
