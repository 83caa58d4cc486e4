/**
 * Every error the domain raises. Codes are stable: clients see them in `{"type":"error","code":…}` frames,
 * and adapters map them to status codes.
 */
export const ERROR_CODES = [
  'UNKNOWN_ACTION',
  'INVALID_MESSAGE',
  'NOT_IN_ROOM',
  'TOO_MANY_ROOMS',
  'CONNECTION_UNKNOWN',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
}

export class UnknownActionError extends DomainError {
  override readonly name = 'UnknownActionError';
  readonly code = 'UNKNOWN_ACTION';
  constructor(
    readonly action: string | undefined,
    readonly actions: readonly string[],
    options?: ErrorOptions,
  ) {
    super(
      action === undefined
        ? `Messages must be JSON objects with an "action" field; known actions: ${actions.join(', ')}`
        : `Unknown action "${action}"; known actions: ${actions.join(', ')}`,
      options,
    );
  }
}

export class InvalidMessageError extends DomainError {
  override readonly name = 'InvalidMessageError';
  readonly code = 'INVALID_MESSAGE';
}

export class NotInRoomError extends DomainError {
  override readonly name = 'NotInRoomError';
  readonly code = 'NOT_IN_ROOM';
  constructor(readonly room: string) {
    super(`You are not in room "${room}"; send {"action":"join","room":"${room}"} first`);
  }
}

export class TooManyRoomsError extends DomainError {
  override readonly name = 'TooManyRoomsError';
  readonly code = 'TOO_MANY_ROOMS';
  constructor(readonly max: number) {
    super(`A connection can be in at most ${max} rooms; leave one first`);
  }
}

/**
 * A frame came from a connection the store has no record of: the store was reset, TTL removed the record, or a
 * disconnect raced the frame. The connection cannot get its name or rooms back, so the client is told to reconnect.
 */
export class ConnectionUnknownError extends DomainError {
  override readonly name = 'ConnectionUnknownError';
  readonly code = 'CONNECTION_UNKNOWN';
  constructor(
    readonly connectionId: string,
    options?: ErrorOptions,
  ) {
    super(`This connection (${connectionId}) is not registered any more (its record expired or the store was reset); reconnect`, options);
  }
}
