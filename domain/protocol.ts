import { InvalidMessageError } from './errors.ts';
import type { ErrorCode } from './errors.ts';

/** The chat protocol's rules, in one place. */
export const LIMITS = {
  roomPattern: /^[A-Za-z0-9_-]{1,64}$/,
  maxNameLength: 32,
  maxDataBytes: 32_768,
  maxRoomsPerConnection: 20,
  /** Deepest nesting a payload field may have (`"x"` is 0, `["x"]` is 1); the protocol itself needs none. */
  maxDepth: 32,
  /** Most values (objects, arrays, scalars) a payload field may hold, so a huge object is refused before any work. */
  maxValues: 1_000,
} as const;

/** Keys that reach Object.prototype when code copies or merges a parsed payload. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const DEFAULT_ROOM = 'lobby';

/** Frames the server sends to clients. */
export type OutboundFrame =
  | { type: 'message'; room: string; from: string; name: string; data: string; sentAt: string }
  | { type: 'joined'; room: string }
  | { type: 'left'; room: string }
  | { type: 'presence'; room: string; event: 'join' | 'leave'; connectionId: string; name: string }
  | { type: 'presence'; room: string; event: 'count'; members: number }
  | { type: 'whoami'; connectionId: string; name: string; rooms: string[] }
  | { type: 'error'; code: ErrorCode; message: string; actions?: readonly string[] };

const utf8 = new TextEncoder();

/**
 * Checks a parsed payload's shape before any field is read: every field at most `maxDepth` deep and `maxValues`
 * large, no prototype keys. Walks without recursion, so a frame nested 60,000 deep (128 KB of `[`) costs one loop,
 * not the stack.
 *
 * @throws InvalidMessageError naming the field, e.g. `"data" is nested deeper than 32 levels`.
 */
export function checkPayload(payload: Readonly<Record<string, unknown>>): void {
  for (const [field, value] of Object.entries(payload)) {
    if (FORBIDDEN_KEYS.has(field)) throw new InvalidMessageError(`"${field}" is not an allowed key`);
    const pending: { value: unknown; path: string; depth: number }[] = [{ value, path: field, depth: 0 }];
    let values = 0;
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (++values > LIMITS.maxValues) throw new InvalidMessageError(`"${field}" holds more than ${LIMITS.maxValues} values`);
      if (typeof next.value !== 'object' || next.value === null) continue;
      if (next.depth === LIMITS.maxDepth) throw new InvalidMessageError(`"${field}" is nested deeper than ${LIMITS.maxDepth} levels`);
      for (const [key, child] of Object.entries(next.value)) {
        const path = `${next.path}.${key}`;
        if (FORBIDDEN_KEYS.has(key)) throw new InvalidMessageError(`"${path}" is not an allowed key`);
        pending.push({ value: child, path, depth: next.depth + 1 });
      }
    }
  }
}

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

/** What a bad value was, in a few words; never serialises it whole (it may be huge or deep). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length > 40 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
