import type { Duplex } from 'node:stream';

/**
 * Frames sent to one client during one turn of the event loop leave in one socket write. `ws` writes each frame at
 * once (its header and payload as one `writev`), and on loopback that system call was the largest single cost of a
 * delivery in the fan-out profile (bench/RESULTS.md): a client of a busy room gets several frames per turn. A socket
 * is corked at its first frame of the turn and uncorked when the turn's I/O callbacks are done (`setImmediate`), so
 * no frame waits longer than the current turn, and the order of frames is kept.
 */
export class TurnCork {
  private readonly corked = new Set<Duplex>();
  private scheduled = false;

  /** Call before writing to the socket: what is written to it until the end of this turn goes out together. */
  hold(socket: Duplex): void {
    if (this.corked.has(socket)) return;
    socket.cork();
    this.corked.add(socket);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.release);
    }
  }

  private readonly release = (): void => {
    this.scheduled = false;
    for (const socket of this.corked) socket.uncork();
    this.corked.clear();
  };
}
