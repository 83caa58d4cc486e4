import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Answers a request on its raw socket with an HTTP status and a JSON `{"message": …}`, then ends the socket: how
 * API Gateway refuses a handshake ($connect or the authorizer said no, a limit, a malformed request).
 */
export function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  const reason = STATUS_CODES[status] ?? 'Error';
  const payload = JSON.stringify({ message: message || reason });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
}
