import type { ActionHandler } from './action.ts';
import { deliverToRoom } from './delivery.ts';
import { ConnectionUnknownError, NotInRoomError } from './errors.ts';
import { parseData, parseRoom } from './protocol.ts';

/** `{"action":"sendmessage","room":"R","data":"text"}`: every member of R hears it, the sender included. */
export const sendMessage: ActionHandler = async (deps, { connectionId, payload }) => {
  const room = parseRoom(payload.room);
  const data = parseData(payload.data);
  const sender = await deps.connections.find(connectionId);
  if (sender === undefined) throw new ConnectionUnknownError(connectionId);
  if (!sender.rooms.includes(room)) throw new NotInRoomError(room);
  return deliverToRoom(deps, room, {
    type: 'message',
    room,
    from: connectionId,
    name: sender.name,
    data,
    sentAt: deps.clock.now().toISOString(),
  });
};
