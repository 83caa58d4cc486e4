import { InvalidMessageError } from './errors.ts';
import type { ErrorCode } from './errors.ts';

/** The chat protocol's rules, in one place. */
export const LIMITS = {
  roomPattern: /^[A-Za-z0-9_-]{1,64}$/,
  maxNameLength: 32,
  maxDataBytes: 32_768,
  maxRoomsPerConnection: 20,
} as const;

export const DEFAULT_ROOM = 'lobby';

/** Frames the server sends to clients. */
export type OutboundFrame =
  | { type: 'message'; room: string; from: string; name: string; data: string; sentAt: string }
  | { type: 'joined'; room: string }
  | { type: 'left'; room: string }
  | { type: 'presence'; room: string; event: 'join' | 'leave'; connectionId: string; name: string }
  | { type: 'whoami'; connectionId: string; name: string; rooms: string[] }
  | { type: 'error'; code: ErrorCode; message: string; actions?: readonly string[] };

const utf8 = new TextEncoder();

export function parseRoom(value: unknown, field = 'room'): string {
  if (value === undefined) return DEFAULT_ROOM;
  if (typeof value !== 'string' || !LIMITS.roomPattern.test(value)) {
    throw new InvalidMessageError(
      `"${field}" must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"; got ${describe(value)}`,
    );
  }
  return value;
}

export function parseName(value: unknown, connectionId: string): string {
  if (value === undefined || value === '') return `guest-${connectionId.slice(0, 4)}`;
  if (typeof value !== 'string' || [...value].length > LIMITS.maxNameLength) {
    throw new InvalidMessageError(`"name" must be a string of at most ${LIMITS.maxNameLength} characters; got ${describe(value)}`);
  }
  return value;
}

export function parseData(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidMessageError(`"data" must be a non-empty string; got ${describe(value)}`);
  }
  const bytes = utf8.encode(value).byteLength;
  if (bytes > LIMITS.maxDataBytes) {
    throw new InvalidMessageError(`"data" must be at most ${LIMITS.maxDataBytes} UTF-8 bytes; got ${bytes}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (value === null || Array.isArray(value)) return JSON.stringify(value)?.slice(0, 40) ?? String(value);
  return `a ${typeof value}`;
}
