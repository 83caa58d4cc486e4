import { Duplex } from 'node:stream';

/**
 * One end of an in-memory connection: what one end writes, the other reads. Enough of a net.Socket for node:http's
 * client (as a request's `createConnection`) and server (`server.emit('connection', …)`) on the two ends, in one thread.
 * `setTimeout` works as a socket's does (a 'timeout' event after that long without reads or writes), so the SDKs'
 * request timeouts and the server's keep-alive timeout still apply.
 */
export class PairedSocket extends Duplex {
  peer!: PairedSocket;
  readonly remoteAddress = '127.0.0.1';
  readonly remoteFamily = 'IPv4';
  readonly remotePort = 0;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;
  readonly connecting = false;

  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.active();
    this.peer.active();
    this.peer.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    if (!this.peer.destroyed) this.peer.destroy();
    callback(error);
  }

  /** As net.Socket's: `ms` of no activity emits 'timeout' (0 turns it off); it never ends the socket by itself. */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.idleMs = ms;
    if (onTimeout) this.once('timeout', onTimeout);
    this.active();
    return this;
  }

  private active(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = this.idleMs > 0 && !this.destroyed ? setTimeout(() => this.emit('timeout'), this.idleMs).unref() : undefined;
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
