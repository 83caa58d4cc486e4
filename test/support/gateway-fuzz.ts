import { connect } from 'node:net';
import WebSocket from 'ws';

/**
 * Seeded hostile input for the gateway, shared by the fast fuzz test (test/local/gateway/fuzz.test.ts) and the long
 * soak (bench/fuzz.ts). Every case says what API Gateway answers: a frame back (the echo, `Forbidden`, `Internal
 * server error`, a pong) or a close with a code. Run against the `behaviour` fixture (echo with a route response,
 * boom throws, no $default).
 */
export type Expected =
  | { kind: 'frame'; text: string }
  | { kind: 'message'; message: 'Forbidden' | 'Internal server error' }
  | { kind: 'pong'; data: string }
  | { kind: 'close'; code: number };

export type Case =
  | { transport: 'ws'; label: string; send: (socket: WebSocket) => void; expected: Expected }
  | { transport: 'raw'; label: string; frame: Buffer; expected: { kind: 'close'; code: number } };

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ALPHABET = 'abcXYZ019 -_"\\/{}[]:,\u00e9\u4e16\u{1f600}\n\t';

/** A client frame as the wire carries it: masked, with the given first byte (FIN, RSV, opcode). */
export function rawFrame(firstByte: number, payload: Buffer, options: { masked?: boolean; length?: Buffer } = {}): Buffer {
  const masked = options.masked ?? true;
  const length = options.length ?? (payload.length < 126 ? Buffer.from([payload.length]) : Buffer.from([126, payload.length >> 8, payload.length & 0xff]));
  const head = Buffer.from([firstByte, (masked ? 0x80 : 0) | length[0]!, ...length.subarray(1)]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!))]);
}

const closePayload = (code: number, reason = '') => Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]);

/** Frames that break RFC 6455 below what a `ws` client can send: each closes the connection with the code given. */
const RAW: [string, Buffer, number][] = [
  ['RSV1 set without an extension', rawFrame(0xc1, Buffer.from('{"action":"echo"}')), 1002],
  ['RSV2 and RSV3 set', rawFrame(0xb1, Buffer.from('x')), 1002],
  ['an unmasked client frame', rawFrame(0x81, Buffer.from('x'), { masked: false }), 1002],
  ['reserved opcode 0x3', rawFrame(0x83, Buffer.from('x')), 1002],
  ['reserved control opcode 0xB', rawFrame(0x8b, Buffer.from('x')), 1002],
  ['a ping with 126 bytes', rawFrame(0x89, Buffer.alloc(126, 0x61)), 1002],
  ['a fragmented ping', rawFrame(0x09, Buffer.from('x')), 1002],
  ['a continuation with nothing to continue', rawFrame(0x80, Buffer.from('x')), 1002],
  ['a text frame inside a fragmented message', Buffer.concat([rawFrame(0x01, Buffer.from('a')), rawFrame(0x81, Buffer.from('b'))]), 1002],
  ['a close frame of one byte', rawFrame(0x88, Buffer.from([0x03])), 1002],
  ['a close frame with code 1005', rawFrame(0x88, closePayload(1005)), 1002],
  ['a close frame with code 999', rawFrame(0x88, closePayload(999)), 1002],
  ['a close reason that is not UTF-8', rawFrame(0x88, Buffer.concat([closePayload(1000), Buffer.from([0xc3, 0x28])])), 1007],
  ['a text frame that is not UTF-8', rawFrame(0x81, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 1007],
  ['a 64-bit length past 2^53', rawFrame(0x81, Buffer.alloc(0), { length: Buffer.from([127, 0xff, 0, 0, 0, 0, 0, 0, 0]) }), 1009],
  ['a 40 KB frame announced', rawFrame(0x81, Buffer.alloc(0), { length: Buffer.from([127, 0, 0, 0, 0, 0, 0, 0xa0, 0]) }), 1009],
];

/** One seeded case. About 1 in 10 ends its connection; the rest are answered on it. */
export function caseFor(random: () => number): Case {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const text = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => pick([...ALPHABET])).join('');
  const echo = (body: string, label: string): Case => ({ transport: 'ws', label, send: (s) => s.send(body), expected: { kind: 'frame', text: body } });
  const forbidden = (body: string, label: string): Case => ({ transport: 'ws', label, send: (s) => s.send(body), expected: { kind: 'message', message: 'Forbidden' } });
  const roll = random();

  if (roll < 0.1) {
    const kind = Math.floor(random() * 6);
    if (kind === 0) {
      const [label, frame, code] = pick(RAW);
      return { transport: 'raw', label, frame, expected: { kind: 'close', code } };
    }
    if (kind === 1) return { transport: 'ws', label: 'invalid UTF-8 in a text frame', send: (s) => s.send(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), { binary: false }), expected: { kind: 'close', code: 1007 } };
    if (kind === 2) return { transport: 'ws', label: 'a binary frame', send: (s) => s.send(Buffer.from(text(64)), { binary: true }), expected: { kind: 'close', code: 1003 } };
    if (kind === 3) return { transport: 'ws', label: 'one frame over 32 KB', send: (s) => s.send('x'.repeat(32_769 + Math.floor(random() * 30_000))), expected: { kind: 'close', code: 1009 } };
    if (kind === 4) {
      return {
        transport: 'ws',
        label: 'a fragmented message over 128 KB',
        send: (s) => {
          for (let i = 0; i < 4; i++) s.send('y'.repeat(32_768), { fin: false });
          s.send('y', { fin: true });
        },
        expected: { kind: 'close', code: 1009 },
      };
    }
    const code = pick([1000, 1001, 3000, 4000 + Math.floor(random() * 999)]);
    return { transport: 'ws', label: `a close frame with code ${code}`, send: (s) => s.close(code, text(20)), expected: { kind: 'close', code } };
  }

  const kind = Math.floor(random() * 10);
  switch (kind) {
    case 0:
      return echo(JSON.stringify({ action: 'echo', data: text(200) }), 'an echo');
    case 1: {
      const valid = JSON.stringify({ action: 'echo', data: text(50), n: random() });
      return forbidden(valid.slice(0, Math.max(1, Math.floor(random() * (valid.length - 1)))), 'truncated JSON');
    }
    case 2:
      return forbidden(pick(['', ' ', 'null', '[]', '{}', '"echo"', '{"action":}', "{'action':'echo'}", '{"action":"echo"', text(80)]) || 'x', 'malformed or action-less JSON');
    case 3: {
      const depth = 1 + Math.floor(random() * 5_000);
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      return random() < 0.5 ? echo(`{"action":"echo","data":${nested}}`, `data nested ${depth} deep`) : forbidden(nested, `an array nested ${depth} deep`);
    }
    case 4:
      return pick([
        forbidden('{"__proto__":{"action":"echo"}}', '__proto__ carrying the action'),
        forbidden('{"constructor":{"prototype":{"action":"echo"}}}', 'constructor.prototype carrying the action'),
        echo('{"action":"echo","__proto__":{"polluted":true}}', 'a __proto__ key beside the action'),
        forbidden('{"action":"__proto__"}', 'the action __proto__'),
        forbidden('{"action":"toString"}', 'the action toString'),
        forbidden('{"action":"hasOwnProperty"}', 'the action hasOwnProperty'),
      ]);
    case 5:
      return forbidden(JSON.stringify({ action: pick(['$connect', '$disconnect', '$default', 'ECHO', ' echo', 'echo ', 123, true, null, ['echo'], { a: 1 }, text(10)]) }), 'an action no route takes');
    case 6:
      return { transport: 'ws', label: 'a handler that throws', send: (s) => s.send('{"action":"boom"}'), expected: { kind: 'message', message: 'Internal server error' } };
    case 7: {
      const body = JSON.stringify({ action: 'echo', data: 'z'.repeat(Math.floor(random() * 90_000)) });
      return {
        transport: 'ws',
        label: `a message of ${body.length} bytes in 32 KB fragments`,
        send: (s) => {
          for (let at = 0; at < body.length; at += 32_768) s.send(body.slice(at, at + 32_768), { fin: at + 32_768 >= body.length });
        },
        expected: { kind: 'frame', text: body },
      };
    }
    case 8: {
      const data = Array.from(text(100)).slice(0, 20).join(''); // whole code points: at most 80 of a ping's 125 bytes
      return { transport: 'ws', label: 'a ping', send: (s) => s.ping(data), expected: { kind: 'pong', data } };
    }
    default:
      return echo(JSON.stringify({ action: 'echo', data: 'w'.repeat(Math.floor(random() * 32_000)) }), 'a frame of up to 32 KB');
  }
}

/** The gateway's frames to a test connection, waited on one by one, in order. */
export class Receiver {
  private readonly frames: string[] = [];
  private readonly pongs: string[] = [];
  private wake: (() => void) | undefined;
  closed: { code: number } | undefined;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.push(this.frames, data.toString()));
    socket.on('pong', (data) => this.push(this.pongs, data.toString()));
    socket.on('close', (code) => {
      this.closed = { code };
      this.wake?.();
    });
    socket.on('error', () => {}); // a close follows, and `closed` reports it
  }

  /** Resolves with what came back for `expected`; rejects with what came instead after `timeoutMs`. */
  async outcome(expected: Expected, timeoutMs = 10_000): Promise<Expected> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (expected.kind === 'pong' && this.pongs.length > 0) return { kind: 'pong', data: this.pongs.shift()! };
      if (expected.kind !== 'pong' && expected.kind !== 'close' && this.frames.length > 0) {
        const text = this.frames.shift()!;
        if (expected.kind === 'frame') return { kind: 'frame', text };
        const parsed = JSON.parse(text) as { message: 'Forbidden' | 'Internal server error' };
        return { kind: 'message', message: parsed.message };
      }
      if (this.closed) return { kind: 'close', code: this.closed.code };
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`nothing came back within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private push(list: string[], item: string): void {
    list.push(item);
    this.wake?.();
  }
}

export function openReceiver(url: string): Promise<Receiver> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const receiver = new Receiver(socket);
    socket.once('open', () => resolve(receiver));
    socket.once('error', reject);
  });
}

/** Opens a raw TCP connection, completes the handshake, writes `frame`, and returns the close code the gateway sent. */
export function rawCloseCode(port: number, path: string, frame: Buffer, timeoutMs = 10_000): Promise<number | 'no close frame'> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close frame within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!buffer.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) return reject(new Error(`handshake: ${buffer.toString().split('\r\n')[0]}`));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        socket.write(frame);
      }
      if (buffer.length >= 4 && buffer[0] === 0x88) {
        clearTimeout(timer);
        socket.destroy();
        resolve(buffer.readUInt16BE(2));
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve('no close frame');
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
  });
}

/**
 * Runs `count` seeded cases against the emulator at `wsUrl`: answered cases on one connection (a new one after a
 * close), closing cases each on their own. Calls `checkpoint` after each thousand. Returns every mismatch.
 */
export async function runFuzz(wsUrl: string, seed: number, count: number, checkpoint: (done: number) => Promise<void>): Promise<{ done: number; mismatches: string[] }> {
  const random = seeded(seed);
  const { port, pathname } = new URL(wsUrl);
  const mismatches: string[] = [];
  let shared = await openReceiver(wsUrl);
  for (let i = 0; i < count; i++) {
    const fuzz = caseFor(random);
    let got: Expected | number | string;
    try {
      if (fuzz.transport === 'raw') {
        got = await rawCloseCode(Number(port), pathname, fuzz.frame);
        if (got !== fuzz.expected.code) mismatches.push(`#${i} ${fuzz.label}: expected close ${fuzz.expected.code}, got ${got}`);
      } else if (fuzz.expected.kind === 'close') {
        const own = await openReceiver(wsUrl);
        fuzz.send(own.socket);
        got = await own.outcome(fuzz.expected);
        if (JSON.stringify(got) !== JSON.stringify(fuzz.expected)) mismatches.push(`#${i} ${fuzz.label}: expected ${JSON.stringify(fuzz.expected)}, got ${JSON.stringify(got)}`);
      } else {
        fuzz.send(shared.socket);
        got = await shared.outcome(fuzz.expected);
        const same = got.kind === fuzz.expected.kind && JSON.stringify(got) === JSON.stringify(fuzz.expected);
        if (!same) mismatches.push(`#${i} ${fuzz.label}: expected ${JSON.stringify(fuzz.expected).slice(0, 200)}, got ${JSON.stringify(got).slice(0, 200)}`);
        if (shared.closed) shared = await openReceiver(wsUrl);
      }
    } catch (error) {
      mismatches.push(`#${i} ${fuzz.label}: ${(error as Error).message}`);
      if (shared.closed || shared.socket.readyState !== WebSocket.OPEN) shared = await openReceiver(wsUrl);
    }
    if ((i + 1) % 1_000 === 0) await checkpoint(i + 1);
  }
  shared.socket.close();
  return { done: count, mismatches };
}
