import type { ActionHandler } from './action.ts';
import { reply } from './delivery.ts';
import { ConnectionUnknownError } from './errors.ts';

/** `{"action":"whoami"}`: the sender learns its id, name and rooms (sorted). */
export const whoami: ActionHandler = async (deps, { connectionId }) => {
  const me = await deps.connections.find(connectionId);
  if (me === undefined) throw new ConnectionUnknownError(connectionId);
  await reply(deps, connectionId, {
    type: 'whoami',
    connectionId,
    name: me.name,
    rooms: [...me.rooms].sort(),
  });
  return undefined;
};
