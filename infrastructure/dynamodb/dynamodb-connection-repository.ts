import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConnectionUnknownError, TooManyRoomsError } from '../../domain/errors.ts';
import type {
  Connection,
  ConnectionRepository,
  JoinOutcome,
  LeaveOutcome,
  MembersPage,
  RoomCount,
} from '../../domain/ports.ts';

/** API Gateway closes a connection after 2 h; records outlive it by a margin, then TTL deletes them. */
export const RECORD_LIFETIME_SECONDS = 2 * 60 * 60 + 15 * 60;

interface ConnectionItem {
  pk: string;
  sk: string;
  connectionId: string;
  name: string;
  connectedAt: number;
  expiresAt: number;
  rooms?: Set<string>;
}

const connectionKey = (connectionId: string) => ({ pk: `CONN#${connectionId}`, sk: 'CONN' });
const membershipKey = (room: string, connectionId: string) => ({ pk: `ROOM#${room}`, sk: `CONN#${connectionId}` });
// Its own partition, so the members Query on ROOM#{room} never reads it.
const countKey = (room: string) => ({ pk: `COUNT#${room}`, sk: 'COUNT' });

/**
 * Connections and room memberships in one table keyed by `pk`/`sk`:
 * - `CONN#{id}` / `CONN`: the connection, with its rooms as a string set (read strongly consistent, one GetItem);
 * - `ROOM#{room}` / `CONN#{id}`: one item per member, so a room's members are one paginated Query — never a Scan;
 * - `COUNT#{room}` / `COUNT`: the room's member count (an atomic ADD) and when it was last announced.
 * `expiresAt` (epoch seconds) is the table's TTL attribute. The rooms set is the source of truth for the
 * 20-room cap, enforced by a conditional update so concurrent joins cannot exceed it (dynalite has no
 * transactions, so the membership item is written second and removed on leave even if the set update lost a race).
 *
 * @example new DynamoDbConnectionRepository(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'wsgate-connections-dev')
 */
export class DynamoDbConnectionRepository implements ConnectionRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(connection: { connectionId: string; name: string; connectedAt: number; room?: string }): Promise<void> {
    const { room, ...fields } = connection;
    const item: ConnectionItem = {
      ...connectionKey(connection.connectionId),
      ...fields,
      expiresAt: Math.floor(connection.connectedAt / 1000) + RECORD_LIFETIME_SECONDS,
      ...(room === undefined ? {} : { rooms: new Set([room]) }),
    };
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item }));
    // A new connection is below any room cap: no conditional update needed, the membership item follows at once.
    if (room !== undefined) {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...membershipKey(room, connection.connectionId), connectionId: connection.connectionId, expiresAt: item.expiresAt },
        }),
      );
    }
  }

  async find(connectionId: string): Promise<Connection | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: connectionKey(connectionId), ConsistentRead: true }),
    );
    return Item && toConnection(Item as ConnectionItem);
  }

  async remove(connectionId: string): Promise<Connection | undefined> {
    const { Attributes } = await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: connectionKey(connectionId), ReturnValues: 'ALL_OLD' }),
    );
    if (Attributes === undefined) return undefined;
    const removed = toConnection(Attributes as ConnectionItem);
    await Promise.all(
      removed.rooms.map((room) =>
        this.db.send(new DeleteCommand({ TableName: this.tableName, Key: membershipKey(room, connectionId) })),
      ),
    );
    return removed;
  }

  async join(connectionId: string, room: string, options: { maxRooms: number }): Promise<JoinOutcome> {
    let joined: ConnectionItem;
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: connectionKey(connectionId),
          UpdateExpression: 'ADD rooms :rooms',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(rooms) OR (NOT contains(rooms, :room) AND size(rooms) < :max))',
          ExpressionAttributeValues: { ':rooms': new Set([room]), ':room': room, ':max': options.maxRooms },
          ReturnValues: 'ALL_NEW',
        }),
      );
      joined = Attributes as ConnectionItem;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Why did the condition fail? Only this slow path pays for a second read.
      const current = await this.find(connectionId);
      if (current === undefined) throw new ConnectionUnknownError(connectionId, { cause: error });
      if (!current.rooms.includes(room)) throw new TooManyRoomsError(options.maxRooms);
      return 'already-member';
    }
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...membershipKey(room, connectionId), connectionId, expiresAt: joined.expiresAt },
      }),
    );
    return 'joined';
  }

  async leave(connectionId: string, room: string): Promise<LeaveOutcome> {
    let wasInSet = true;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: connectionKey(connectionId),
          UpdateExpression: 'DELETE rooms :rooms',
          ConditionExpression: 'attribute_exists(pk) AND contains(rooms, :room)',
          ExpressionAttributeValues: { ':rooms': new Set([room]), ':room': room },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      wasInSet = false;
    }
    // Always delete the membership item too: it can outlive its connection when a join raced a disconnect.
    const { Attributes } = await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: membershipKey(room, connectionId), ReturnValues: 'ALL_OLD' }),
    );
    return wasInSet || Attributes !== undefined ? 'left' : 'not-member';
  }

  async membersOf(room: string, page: { limit: number; cursor?: string }): Promise<MembersPage> {
    const { Items = [], LastEvaluatedKey } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `ROOM#${room}` },
        ProjectionExpression: 'connectionId',
        ConsistentRead: true,
        Limit: page.limit,
        ...(page.cursor === undefined ? {} : { ExclusiveStartKey: decodeCursor(page.cursor) }),
      }),
    );
    const connectionIds = Items.map((item) => item.connectionId as string);
    return LastEvaluatedKey === undefined ? { connectionIds } : { connectionIds, cursor: encodeCursor(LastEvaluatedKey) };
  }

  async countMembers(room: string, delta: 1 | -1, at: number): Promise<RoomCount> {
    const { Attributes = {} } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: countKey(room),
        // A count nobody touched for a connection's lifetime expires: TTL-deleted members cannot skew it for long.
        UpdateExpression: 'ADD members :delta SET expiresAt = :expiresAt',
        ExpressionAttributeValues: { ':delta': delta, ':expiresAt': Math.floor(at / 1000) + RECORD_LIFETIME_SECONDS },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { members: Math.max(0, Number(Attributes.members ?? 0)), announcedAt: Number(Attributes.announcedAt ?? 0) };
  }

  async claimCountAnnouncement(room: string, previous: number, at: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: countKey(room),
          UpdateExpression: 'SET announcedAt = :at',
          ConditionExpression: previous === 0 ? 'attribute_not_exists(announcedAt)' : 'announcedAt = :previous',
          ExpressionAttributeValues: previous === 0 ? { ':at': at } : { ':at': at, ':previous': previous },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function toConnection(item: ConnectionItem): Connection {
  return {
    connectionId: item.connectionId,
    name: item.name,
    connectedAt: item.connectedAt,
    rooms: [...(item.rooms ?? [])],
  };
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
}
