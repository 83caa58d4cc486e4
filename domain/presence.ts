import type { BroadcastSummary } from './broadcast.ts';
import type { ChatDeps } from './deps.ts';
import { deliverToRoom } from './delivery.ts';

/**
 * How presence scales. Telling every member about every join costs n posts per join, n²/2 to fill a room (500,000
 * PostToConnection calls for 1,000 members, each billed on AWS). So a room of up to `perMemberUpTo` members hears
 * each join and leave, with names, as it always has; a bigger room hears its member count instead, at most once
 * per interval that grows with the room (`members × msPerMember`, at least `minIntervalMs`): about 1/msPerMember
 * posts per millisecond per room, whatever its size.
 *
 * The interval is kept in the store, not in a timer: each Lambda invocation is stateless, so the first join or leave
 * after the interval claims the announcement with a conditional write, and only that one posts.
 */
export interface PresencePolicy {
  perMemberUpTo: number;
  msPerMember: number;
  minIntervalMs: number;
}

export const PRESENCE_DEFAULTS: PresencePolicy = { perMemberUpTo: 50, msPerMember: 10, minIntervalMs: 1_000 };

export interface PresenceChange {
  event: 'join' | 'leave';
  connectionId: string;
  name: string;
}

/** How long a room of `members` waits between two count announcements. */
export function countIntervalMs(policy: PresencePolicy, members: number): number {
  return Math.max(policy.minIntervalMs, members * policy.msPerMember);
}

/**
 * Counts a join or leave in the room and tells the other members, per member or as a count (see {@link PresencePolicy}).
 * Call it once per real change: after a `joined` outcome, a `left` outcome, or for each room a removed connection was in.
 */
export async function announcePresence(deps: ChatDeps, room: string, change: PresenceChange): Promise<BroadcastSummary | undefined> {
  const now = deps.clock.now().getTime();
  const count = await deps.connections.countMembers(room, change.event === 'join' ? 1 : -1, now);
  if (count.members <= deps.presence.perMemberUpTo) {
    return deliverToRoom(deps, room, { type: 'presence', room, ...change }, { except: change.connectionId });
  }
  if (now - count.announcedAt < countIntervalMs(deps.presence, count.members)) return undefined;
  if (!(await deps.connections.claimCountAnnouncement(room, count.announcedAt, now))) return undefined;
  return deliverToRoom(deps, room, { type: 'presence', room, event: 'count', members: count.members }, { except: change.connectionId });
}
