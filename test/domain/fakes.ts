import { ConnectionUnknownError, TooManyRoomsError } from '../../domain/errors.ts';
import type {
  ClientGateway,
  Clock,
  Connection,
  ConnectionRepository,
  Delivery,
  JoinOutcome,
  LeaveOutcome,
  MembersPage,
  RoomCount,
} from '../../domain/ports.ts';
import { PRESENCE_DEFAULTS } from '../../domain/presence.ts';
import type { PresencePolicy } from '../../domain/presence.ts';
import type { ChatDeps } from '../../domain/deps.ts';
import { chatRouter, connect } from '../../domain/chat.ts';

/** Hand-written fake of the repository port: members kept in insertion order, pages by offset. */
export class InMemoryConnectionRepository implements ConnectionRepository {
  readonly connections = new Map<string, { name: string; connectedAt: number; rooms: Set<string> }>();
  readonly pageReads: string[] = [];
  readonly counts = new Map<string, { members: number; announcedAt: number }>();

  async add(connection: { connectionId: string; name: string; connectedAt: number; room?: string }): Promise<void> {
    const { room, ...fields } = connection;
    this.connections.set(connection.connectionId, { ...fields, rooms: new Set(room === undefined ? [] : [room]) });
  }

  async find(connectionId: string): Promise<Connection | undefined> {
    const found = this.connections.get(connectionId);
    return found && { connectionId, name: found.name, connectedAt: found.connectedAt, rooms: [...found.rooms] };
  }

  async remove(connectionId: string): Promise<Connection | undefined> {
    const found = await this.find(connectionId);
    this.connections.delete(connectionId);
    return found;
  }

  async join(connectionId: string, room: string, options: { maxRooms: number }): Promise<JoinOutcome> {
    const found = this.connections.get(connectionId);
    if (found === undefined) throw new ConnectionUnknownError(connectionId);
    if (found.rooms.has(room)) return 'already-member';
    if (found.rooms.size >= options.maxRooms) throw new TooManyRoomsError(options.maxRooms);
    found.rooms.add(room);
    return 'joined';
  }

  async leave(connectionId: string, room: string): Promise<LeaveOutcome> {
    return this.connections.get(connectionId)?.rooms.delete(room) ? 'left' : 'not-member';
  }

  async membersOf(room: string, page: { limit: number; cursor?: string }): Promise<MembersPage> {
    this.pageReads.push(room);
    const members = [...this.connections].filter(([, c]) => c.rooms.has(room)).map(([id]) => id);
    const start = page.cursor === undefined ? 0 : Number(page.cursor);
    const end = start + page.limit;
    return end < members.length
      ? { connectionIds: members.slice(start, end), cursor: String(end) }
      : { connectionIds: members.slice(start) };
  }

  async countMembers(room: string, delta: 1 | -1): Promise<RoomCount> {
    const count = this.counts.get(room) ?? { members: 0, announcedAt: 0 };
    count.members = Math.max(0, count.members + delta);
    this.counts.set(room, count);
    return { ...count };
  }

  async claimCountAnnouncement(room: string, previous: number, at: number): Promise<boolean> {
    const count = this.counts.get(room);
    if (count === undefined || count.announcedAt !== previous) return false;
    count.announcedAt = at;
    return true;
  }
}

/** Records every frame; ids in `gone` answer gone, ids in `failing` reject. */
export class RecordingClientGateway implements ClientGateway {
  readonly sent: { connectionId: string; frame: unknown }[] = [];
  readonly gone = new Set<string>();
  readonly failing = new Set<string>();
  inFlight = 0;
  maxInFlight = 0;

  async send(connectionId: string, frame: string): Promise<Delivery> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await Promise.resolve();
      if (this.failing.has(connectionId)) throw new Error(`network down for ${connectionId}`);
      if (this.gone.has(connectionId)) return 'gone';
      this.sent.push({ connectionId, frame: JSON.parse(frame) });
      return 'delivered';
    } finally {
      this.inFlight -= 1;
    }
  }

  framesTo(connectionId: string): unknown[] {
    return this.sent.filter((s) => s.connectionId === connectionId).map((s) => s.frame);
  }
}

export class FixedClock implements Clock {
  constructor(public current = new Date('2026-11-24T10:00:00.000Z')) {}
  now(): Date {
    return this.current;
  }
}

export function fakeDeps(overrides: Partial<ChatDeps['broadcast']> = {}, presence: Partial<PresencePolicy> = {}) {
  const connections = new InMemoryConnectionRepository();
  const gateway = new RecordingClientGateway();
  const clock = new FixedClock();
  const deps: ChatDeps = {
    connections,
    gateway,
    clock,
    broadcast: { concurrency: 4, pageSize: 2, ...overrides },
    presence: { ...PRESENCE_DEFAULTS, ...presence },
  };
  return { deps, connections, gateway, clock };
}

/** Alice and Bob in `lobby`, Carol in `ops`, nothing sent yet; `say` dispatches a client frame. */
export async function chatWorld() {
  const world = fakeDeps();
  await connect(world.deps, { connectionId: 'alice', name: 'Alice' });
  await connect(world.deps, { connectionId: 'bob', name: 'Bob' });
  await connect(world.deps, { connectionId: 'carol', room: 'ops', name: 'Carol' });
  world.gateway.sent.length = 0;
  const say = (connectionId: string, payload: Record<string, unknown>) => chatRouter.dispatch(world.deps, { connectionId, payload });
  return { ...world, say };
}

export type ChatWorld = Awaited<ReturnType<typeof chatWorld>>;
