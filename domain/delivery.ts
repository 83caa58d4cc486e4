import { broadcast } from './broadcast.ts';
import type { BroadcastSummary } from './broadcast.ts';
import type { ChatDeps } from './deps.ts';
import { disconnect } from './disconnect.ts';
import type { OutboundFrame } from './protocol.ts';

/**
 * A connection is reported gone while its handshake is still running (API Gateway answers 410 to a post to a
 * connection in $connect, which may take up to the 29 s integration timeout). Removing it then would disconnect a
 * newcomer that is about to open, so a connection younger than this is never treated as gone.
 */
export const HANDSHAKE_GRACE_MS = 30_000;

async function stillConnecting(deps: ChatDeps, connectionId: string): Promise<boolean> {
  const connection = await deps.connections.find(connectionId);
  return connection !== undefined && deps.clock.now().getTime() - connection.connectedAt < HANDSHAKE_GRACE_MS;
}

/** Sends a frame to one connection; a connection found gone is disconnected (leaves its rooms, others are told). */
export async function reply(deps: ChatDeps, connectionId: string, frame: OutboundFrame): Promise<'delivered' | 'gone'> {
  const delivery = await deps.gateway.send(connectionId, JSON.stringify(frame));
  if (delivery === 'gone') await disconnect(deps, connectionId);
  return delivery;
}

/**
 * Sends a frame to every member of a room, then disconnects the members found gone so they leave every room
 * and the rest are told. Only the recipients that are gone are removed, never the sender.
 */
export async function deliverToRoom(
  deps: ChatDeps,
  room: string,
  frame: OutboundFrame,
  options: { except?: string } = {},
): Promise<BroadcastSummary> {
  const summary = await broadcast(
    { connections: deps.connections, gateway: deps.gateway, ...deps.broadcast },
    room,
    JSON.stringify(frame),
    options,
  );
  for (const connectionId of summary.gone) {
    if (await stillConnecting(deps, connectionId)) continue;
    const removed = await disconnect(deps, connectionId);
    // Already removed, yet still listed: a membership that outlived its connection (a join raced a disconnect).
    if (removed === undefined && (await deps.connections.leave(connectionId, room)) === 'left') {
      await deps.connections.countMembers(room, -1, deps.clock.now().getTime());
    }
  }
  return summary;
}
