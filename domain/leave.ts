import type { ActionHandler } from './action.ts';
import { reply } from './delivery.ts';
import { ConnectionUnknownError, NotInRoomError } from './errors.ts';
import { announcePresence } from './presence.ts';
import { parseRoom } from './protocol.ts';

/** `{"action":"leave","room":"R"}`: the sender is told `left`, the other members get a presence leave. */
export const leave: ActionHandler = async (deps, { connectionId, payload }) => {
  const room = parseRoom(payload.room);
  const member = await deps.connections.find(connectionId);
  if (member === undefined) throw new ConnectionUnknownError(connectionId);
  const outcome = await deps.connections.leave(connectionId, room);
  if (outcome === 'not-member') throw new NotInRoomError(room);
  await reply(deps, connectionId, { type: 'left', room });
  return announcePresence(deps, room, { event: 'leave', connectionId, name: member.name });
};
