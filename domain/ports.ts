/** A live WebSocket connection as the domain knows it. */
export interface Connection {
  readonly connectionId: string;
  readonly name: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
  /** Rooms the connection is a member of, in no particular order. */
  readonly rooms: readonly string[];
}

export interface MembersPage {
  readonly connectionIds: readonly string[];
  /** Opaque; present when there may be more members to read. */
  readonly cursor?: string;
}

/** A room's member count as the store keeps it, and when it was last announced (epoch ms; 0 for never). */
export interface RoomCount {
  readonly members: number;
  readonly announcedAt: number;
}

export type JoinOutcome = 'joined' | 'already-member';
export type LeaveOutcome = 'left' | 'not-member';

/**
 * Where connections and room memberships live (DynamoDB on AWS, in memory in tests).
 *
 * `join` enforces `maxRooms` atomically so two concurrent joins cannot exceed it.
 */
export interface ConnectionRepository {
  /** Records a new connection, a member of `room` when given (one write fewer than `add` then `join`), else of none. */
  add(connection: { connectionId: string; name: string; connectedAt: number; room?: string }): Promise<void>;
  find(connectionId: string): Promise<Connection | undefined>;
  /** Removes the connection and all its memberships; returns what was removed, or undefined if it was not there. */
  remove(connectionId: string): Promise<Connection | undefined>;
  /** @throws ConnectionUnknownError when the connection is unknown; TooManyRoomsError when at `maxRooms`. */
  join(connectionId: string, room: string, options: { maxRooms: number }): Promise<JoinOutcome>;
  leave(connectionId: string, room: string): Promise<LeaveOutcome>;
  /** One page of a room's members; read until `cursor` is undefined. */
  membersOf(room: string, page: { limit: number; cursor?: string }): Promise<MembersPage>;
  /** Adds `delta` to the room's member count, atomically; returns the count after it (never below 0). */
  countMembers(room: string, delta: 1 | -1, at: number): Promise<RoomCount>;
  /**
   * Records that the count is announced at `at`, only if the last announcement is still the one seen (`previous`):
   * of concurrent callers exactly one gets true and posts.
   */
  claimCountAnnouncement(room: string, previous: number, at: number): Promise<boolean>;
}

export type Delivery = 'delivered' | 'gone';

/** Pushes a frame to one client (API Gateway's PostToConnection on AWS). */
export interface ClientGateway {
  /** Resolves `gone` when the client no longer exists; rejects on any other failure. */
  send(connectionId: string, frame: string): Promise<Delivery>;
}

export interface Clock {
  now(): Date;
}
