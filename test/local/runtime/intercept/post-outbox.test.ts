import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { PostOutbox } from '../../../../local/runtime/intercept/post-outbox.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const drained = (outbox: PostOutbox) => {
  const entries: [string, string][] = [];
  outbox.drain((id, data) => void entries.push([id, Buffer.from(data).toString()]));
  return entries;
};

describe('PostOutbox', () => {
  it('gives back every post in order, its data copied out, across many turns of the ring', () => {
    const outbox = new PostOutbox(new SharedArrayBuffer(8 + 512));
    const written: [string, string][] = [];
    const read: [string, string][] = [];
    for (let i = 0; i < 500; i++) {
      // Sizes that leave every possible gap at the ring's end (the entries are 4-byte aligned, at most 104 bytes).
      const entry: [string, string] = [`c${i}`, 'x'.repeat((i * 37) % 90) + i];
      expect(outbox.write(entry[0], Buffer.from(entry[1]))).toBe(true);
      written.push(entry);
      if (i % 2 === 1) read.push(...drained(outbox));
    }
    read.push(...drained(outbox));
    expect(read).toEqual(written);
    expect(outbox.waiting()).toBe(false);
  });

  it('counts on past 2^32 bytes ever written', () => {
    const buffer = new SharedArrayBuffer(8 + 512);
    new Int32Array(buffer, 0, 2).fill(-24); // both counters 24 bytes short of wrapping
    const outbox = new PostOutbox(buffer);
    const written = Array.from({ length: 40 }, (_, i): [string, string] => [`c${i}`, `frame ${i}`.repeat(i % 5)]);
    const read: [string, string][] = [];
    for (const [id, data] of written) {
      expect(outbox.write(id, Buffer.from(data))).toBe(true);
      read.push(...drained(outbox));
    }
    expect(read).toEqual(written);
  });

  it('refuses a post it has no room for, whole, and takes posts again once read', () => {
    const outbox = new PostOutbox(new SharedArrayBuffer(8 + 64));
    const data = Buffer.from('0123456789'); // 4 + 2 + 2 + 10 bytes: 20 with the alignment
    expect([1, 2, 3, 4].map((n) => outbox.write(`c${n}`, data))).toEqual([true, true, true, false]);
    expect(outbox.write('big', new Uint8Array(64))).toBe(false);
    expect(drained(outbox)).toEqual([['c1', '0123456789'], ['c2', '0123456789'], ['c3', '0123456789']]);
    expect(outbox.write('c5', data)).toBe(true);
    expect(drained(outbox)).toEqual([['c5', '0123456789']]);
  });

  it('keeps the data it handed out when the ring is written over', () => {
    const outbox = new PostOutbox(new SharedArrayBuffer(8 + 64));
    outbox.write('c1', Buffer.from('first'));
    let kept: Uint8Array | undefined;
    outbox.drain((_id, data) => (kept = data));
    for (let i = 0; i < 10; i++) outbox.write('c2', Buffer.from('overwrite'));
    expect(Buffer.from(kept!).toString()).toBe('first');
  });

  it('carries posts from a writer in another thread, in order and whole, while this thread reads', async () => {
    const outbox = PostOutbox.create();
    const count = 20_000;
    const worker = new Worker(join(root, 'test', 'fixtures', 'intercept', 'outbox-writer.mjs'), {
      workerData: { buffer: outbox.buffer, count, module: join(root, 'local', 'runtime', 'intercept', 'post-outbox.ts') },
    });
    const done = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    let next = 0;
    const problems: string[] = [];
    const read = () =>
      outbox.drain((id, data) => {
        const size = 1 + ((next * 7919) % 700);
        if (id !== `id-${next}` || data.length !== size || data.some((byte) => byte !== next % 251)) problems.push(`entry ${next}: ${id}, ${data.length} bytes`);
        next += 1;
      });
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      read();
      await new Promise((resolve) => setImmediate(resolve));
    }
    read();
    await worker.terminate();
    expect(problems).toEqual([]);
    expect(next).toBe(count);
  }, 30_000);
});
