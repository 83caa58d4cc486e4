/**
 * The posts an execution environment answered itself (see connections-relay.ts), on their way to the emulator: a ring
 * of bytes in memory both threads share, written by the environment, read by the emulator. Shared memory rather than
 * a message each, so that a post costs no wake-up of the emulator's thread of its own (the next message the
 * environment sends, its invocation's result most often, makes the emulator read the ring first), and so that a post
 * the handler was told is delivered is not lost when the environment is stopped in the middle of a synchronous loop:
 * what is written is there for the emulator to read after the thread has ended.
 *
 * One writer and one reader. Entries are `[length: int32][id length: uint16][id: UTF-8][data]`, each at a multiple of
 * four bytes; a length of -1 means the rest of the ring is unused and the next entry is at its start.
 */
export class PostOutbox {
  /** Room for several posts at the API's limit (128 KB); a post that finds no room is relayed as any other call. */
  static readonly BYTES = 512 * 1024;

  static create(): PostOutbox {
    return new PostOutbox(new SharedArrayBuffer(8 + PostOutbox.BYTES));
  }

  /** [bytes ever written, bytes ever read], as uint32 counters: a position is a counter modulo the ring's size. */
  private readonly counters: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly size: number;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.counters = new Int32Array(buffer, 0, 2);
    this.size = buffer.byteLength - 8;
    if (this.size <= 0 || (this.size & (this.size - 1)) !== 0) throw new Error(`a post outbox needs a power of two bytes after its counters, not ${this.size}`);
    this.bytes = new Uint8Array(buffer, 8);
    this.view = new DataView(buffer, 8);
  }

  /** The environment's side: false when the ring has no room for it (the post then goes the slow way). */
  write(connectionId: string, data: Uint8Array): boolean {
    const id = encoder.encode(connectionId);
    const length = 2 + id.length + data.length;
    const need = align(4 + length);
    let written = Atomics.load(this.counters, 0) >>> 0;
    const read = Atomics.load(this.counters, 1) >>> 0;
    let at = written & (this.size - 1);
    const skip = need > this.size - at ? this.size - at : 0;
    if (((written - read) >>> 0) + skip + need > this.size) return false;
    if (skip > 0) {
      this.view.setInt32(at, -1);
      written = (written + skip) >>> 0;
      at = 0;
    }
    this.view.setInt32(at, length);
    this.view.setUint16(at + 4, id.length);
    this.bytes.set(id, at + 6);
    this.bytes.set(data, at + 6 + id.length);
    // The entry's bytes are written before the counter says so: the reader sees all of it or none.
    Atomics.store(this.counters, 0, (written + need) | 0);
    return true;
  }

  /** Whether entries are waiting to be read. */
  waiting(): boolean {
    return Atomics.load(this.counters, 0) !== Atomics.load(this.counters, 1);
  }

  /** The emulator's side: hands each entry written so far to `each`, in order, with its data copied out. */
  drain(each: (connectionId: string, data: Uint8Array) => void): void {
    const written = Atomics.load(this.counters, 0) >>> 0;
    let read = Atomics.load(this.counters, 1) >>> 0;
    try {
      while (read !== written) {
        const at = read & (this.size - 1);
        const length = this.view.getInt32(at);
        if (length === -1) {
          read = (read + this.size - at) >>> 0;
          continue;
        }
        const idLength = this.view.getUint16(at + 4);
        const connectionId = decoder.decode(this.bytes.subarray(at + 6, at + 6 + idLength));
        const data = this.bytes.slice(at + 6 + idLength, at + 4 + length);
        read = (read + align(4 + length)) >>> 0;
        each(connectionId, data);
      }
    } finally {
      Atomics.store(this.counters, 1, read | 0);
    }
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function align(bytes: number): number {
  return (bytes + 3) & ~3;
}
