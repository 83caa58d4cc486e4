import { Duplex } from 'node:stream';

/**
 * One end of an in-memory connection: what one end writes, the other reads. Enough of a net.Socket for node:http's
 * client (as a request's `createConnection`) and server (`server.emit('connection', …)`) on the two ends, in one thread.
 * No timeouts of its own: a stuck call ends with the invocation that made it (its environment is ended).
 */
export class PairedSocket extends Duplex {
  peer!: PairedSocket;
  readonly remoteAddress = '127.0.0.1';
  readonly remoteFamily = 'IPv4';
  readonly remotePort = 0;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;
  readonly connecting = false;

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.peer.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.peer.destroyed) this.peer.destroy();
    callback(error);
  }

  setTimeout(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: 'IPv4', port: 0 };
  }
}

/** Two connected ends: [the client's, the server's]. */
export function socketPair(): [PairedSocket, PairedSocket] {
  const client = new PairedSocket();
  const server = new PairedSocket();
  client.peer = server;
  server.peer = client;
  return [client, server];
}
