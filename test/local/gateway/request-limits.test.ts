import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../../local/emulator.ts';
import { connectClient } from '../../support/ws-client.ts';
import { startProject } from '../fixture-projects.ts';

let emulator: Emulator;
let port: number;
beforeAll(async () => {
  emulator = await startProject('behaviour');
  port = Number(new URL(emulator.wsUrl).port);
});
afterAll(() => emulator.stop());

/** Writes raw bytes, then reads until the emulator closes the socket: what it answered, and that it did close. */
function exchange(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => {}); // the emulator may reset a socket it has answered while we still write
    socket.once('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.setTimeout(5_000, () => reject(new Error('the emulator neither answered nor closed the socket')));
    socket.write(bytes);
  });
}

const handshake = (target: string, extra = '') =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;
const headers = (count: number, value = 'v') => Array.from({ length: count }, (_, i) => `X-H${i}: ${value}\r\n`).join('');
const TLS_CLIENT_HELLO = Buffer.from('16030100a5010000a10303' + '00'.repeat(32) + '0000020035010000760000000e000c0000096c6f63616c686f7374', 'hex');

describe('malformed requests get the HTTP status API Gateway gives, then the socket is closed', () => {
  it.each([
    ['a 20 KB header', 431, handshake('/test', `X-Big: ${'a'.repeat(20_000)}\r\n`)],
    ['200 headers', 431, handshake('/test', headers(200))],
    ['3,000 headers', 431, handshake('/test', headers(3_000))],
    ['headers over 64 KB, past what the parser reads', 431, handshake('/test', headers(700, 'x'.repeat(100)))],
    ['a 20 KB query string', 414, handshake(`/test?q=${'a'.repeat(20_000)}`)],
    ['a URI of 4,097 characters', 414, handshake(`/test?q=${'a'.repeat(4_097 - 8)}`)],
    ['a 100 KB URI, past what the parser reads', 414, handshake(`/test?q=${'a'.repeat(100_000)}`)],
    ['an @connections request with a 20 KB URI', 414, `POST /test/@connections/${'A'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`],
    ['an HTTP/2 preface', 400, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['a TLS ClientHello', 400, TLS_CLIENT_HELLO],
    ['a 300-letter method', 400, `${'A'.repeat(300)} /test HTTP/1.1\r\nHost: x\r\n\r\n`],
    ['CONNECT', 400, `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`],
    ['garbage', 400, '\x00\x01\x02 not http at all\r\n\r\n'],
  ])('%s -> %i', async (_label, status, bytes) => {
    const answer = await exchange(bytes);
    expect(answer.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${{ 400: 'Bad Request', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' }[status]}`);
    expect(answer).toMatch(/\r\n\r\n\{"message":".+"\}$/);
  });

  it('a URI of 4,096 characters and 100 headers are still served, and the emulator stays up after all of the above', async () => {
    const client = await connectClient(`${emulator.wsUrl}?q=${'a'.repeat(4_096 - '/test?q='.length)}`, { headers: Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`X-H${i}`, 'v'])) });
    client.send({ action: 'echo', data: 'still here' });
    expect(await client.next(() => true)).toEqual({ action: 'echo', data: 'still here' });
    client.socket.close();
  });
});
