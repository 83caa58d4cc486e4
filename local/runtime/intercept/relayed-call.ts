import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/*
 * What crosses between an execution environment and the emulator for a handler's @connections call (see
 * connections-relay.ts): plain data, by structured clone. Here, upstream of the management API, so that the
 * environment's code needs nothing of the emulator's.
 */

/** One @connections call as it arrived: the request line, the headers, the body (cut at the relay's `bodyBytes`). */
export interface RelayedCall {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Uint8Array;
  /** The body's whole size, of which `body` kept at most `bodyBytes`. */
  size: number;
}

/** What a call gets back: the HTTP status, the headers and the JSON body, if any. */
export interface RelayedAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

/** How an environment relays: the emulator's @connections origin it stands in for, and its parser's limits. */
export interface RelaySettings {
  /** Only requests for this origin (or an AWS hostname served by it) are relayed; others go where they were sent. */
  origin: string;
  /** Body bytes kept (one past the API's limit is enough to know a post is too large). */
  bodyBytes: number;
  /** The emulator's parser limits, so the same requests reach the same checks. */
  headerBytes: number;
  headers: number;
}

/** A request for the @connections API's paths (`/{stage}/@connections/…`, `/@connections/…`), by its target. */
export function isConnectionsPath(url: string | null | undefined): boolean {
  return /^(?:\/[^/]+)?\/@connections(?:\/|$)/.test((url ?? '/').split('?')[0]!);
}

/**
 * A request's body, keeping at most `keep` bytes: enough to know it is too large, without buffering a huge one.
 * `failed` when the caller hangs up mid-request, or `then` throws.
 */
export function readCappedBody(request: IncomingMessage, keep: number, then: (body: Buffer, size: number) => void, failed: () => void): void {
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let kept = 0;
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (kept >= keep) return;
    const part = chunk.length <= keep - kept ? chunk : chunk.subarray(0, keep - kept);
    kept += part.length;
    if (first === undefined) first = part;
    else (more ??= [first]).push(part);
  });
  request.on('end', () => {
    try {
      then(more ? Buffer.concat(more) : (first ?? Buffer.alloc(0)), size);
    } catch {
      failed();
    }
  });
  request.on('error', failed);
}
