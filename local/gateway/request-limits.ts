import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { refuse } from './http-refusal.ts';

/** API Gateway's quota on "the length, in characters, of the URL for a WebSocket API" (apigateway-execution-service-websocket-limits-table). */
export const MAX_URL_CHARS = 4_096;
/**
 * AWS publishes no header quota for WebSocket APIs; these are the emulator's: Node's own default for the header
 * section (16 KB), and 100 headers (Envoy's default; a browser's handshake sends about 15).
 */
export const MAX_HEADER_BYTES = 16_384;
export const MAX_HEADERS = 100;
/**
 * What Node's parser reads before it gives up (its default is 16 KB, which would cut a long URL off before the
 * emulator could tell 414 from 431): requests up to this size are parsed and judged by {@link oversizeStatus}.
 */
export const PARSED_HEADER_BYTES = 65_536;
/** Node stops collecting headers at this count, one past the limit, so {@link oversizeStatus} sees the excess. */
export const PARSED_HEADERS = MAX_HEADERS + 1;

/** 414 for a URL past API Gateway's quota, 431 for headers past the emulator's, else undefined. */
export function oversizeStatus(request: Pick<IncomingMessage, 'url' | 'rawHeaders'>): 414 | 431 | undefined {
  if ((request.url ?? '').length > MAX_URL_CHARS) return 414;
  const raw = request.rawHeaders;
  if (raw.length / 2 > MAX_HEADERS) return 431;
  let bytes = 0;
  for (let i = 0; i < raw.length; i += 2) bytes += raw[i]!.length + raw[i + 1]!.length + 4; // "name: value\r\n"
  return bytes > MAX_HEADER_BYTES ? 431 : undefined;
}

export function oversizeMessage(status: 414 | 431): string {
  return status === 414 ? `Request-URI Too Long: at most ${MAX_URL_CHARS} characters` : `Request Header Fields Too Large: at most ${MAX_HEADERS} headers of ${MAX_HEADER_BYTES} bytes in all`;
}

/**
 * The server's `clientError`: what Node's parser could not read gets the answer API Gateway gives — 414 or 431 when
 * it was too large, 408 when it was too slow, 400 for anything else (an HTTP/2 preface, a TLS ClientHello, a
 * 300-letter method, garbage) — and the socket is closed. Without an answer a client cannot tell a refusal from a crash.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  // A socket already answering a request (keep-alive), or gone, gets no second status line.
  if (!socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) return void socket.destroy();
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    const status = overflowInRequestLine(error.rawPacket) ? 414 : 431;
    return refuse(socket, status, oversizeMessage(status));
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return refuse(socket, 408, 'Request Timeout');
  refuse(socket, 400, 'Bad Request');
}

/**
 * A request past {@link PARSED_HEADER_BYTES}: Node hands over only the chunk it choked on. When that chunk starts the
 * request, its first line tells; a later chunk without a line break is taken as part of a long URL.
 */
function overflowInRequestLine(chunk: Buffer | undefined): boolean {
  if (!chunk) return false;
  const text = chunk.toString('latin1', 0, Math.min(chunk.length, MAX_URL_CHARS + 64));
  const lineEnd = text.indexOf('\n');
  if (/^[A-Z]+ /.test(text)) return lineEnd === -1 || lineEnd > MAX_URL_CHARS;
  return lineEnd === -1;
}
