import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TurnCork } from '../../../local/gateway/turn-cork.ts';

/** A stream that records each write it is handed: a single chunk, or a batch (`writev`). */
function recordingStream() {
  const writes: string[][] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      done();
    },
  });
  return { stream, writes };
}

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TurnCork', () => {
  it('lets the writes of one turn to a socket out together, in order, at the end of the turn', async () => {
    const cork = new TurnCork();
    const { stream, writes } = recordingStream();
    for (const frame of ['a', 'b', 'c']) {
      cork.hold(stream);
      stream.write(frame);
    }
    expect(writes).toEqual([]);
    await endOfTurn();
    expect(writes).toEqual([['a', 'b', 'c']]);
    expect(stream.writableCorked).toBe(0);
  });

  it('uncorks every socket of the turn, and a later turn starts a batch of its own', async () => {
    const cork = new TurnCork();
    const one = recordingStream();
    const two = recordingStream();
    cork.hold(one.stream);
    one.stream.write('1a');
    cork.hold(two.stream);
    two.stream.write('2a');
    await endOfTurn();
    cork.hold(one.stream);
    one.stream.write('1b');
    await endOfTurn();
    expect(one.writes).toEqual([['1a'], ['1b']]);
    expect(two.writes).toEqual([['2a']]);
  });

  it('delivers over a real TCP socket, and the end of a corked socket still sends what it held', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const client = createConnection((server.address() as AddressInfo).port, '127.0.0.1');
    const received = new Promise<string>((resolve) => {
      let text = '';
      client.on('data', (chunk) => (text += chunk));
      client.on('end', () => resolve(text));
    });
    const socket = await accepted;
    const cork = new TurnCork();
    cork.hold(socket);
    socket.write('held ');
    socket.write('then ended');
    socket.end();
    expect(await received).toBe('held then ended');
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});
