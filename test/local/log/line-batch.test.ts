import { describe, expect, it } from 'vitest';
import { lineBatch } from '../../../local/log/line-batch.ts';

/** A batch whose end of turn the test chooses. */
function batch() {
  const written: string[] = [];
  const turns: (() => void)[] = [];
  const lines = lineBatch(
    (text) => void written.push(text),
    (flush) => void turns.push(flush),
  );
  return { lines, written, endTurn: () => turns.splice(0).forEach((flush) => flush()), turns };
}

describe('lineBatch', () => {
  it('writes the lines of one turn in one write, in order, each ended by a newline', () => {
    const { lines, written, endTurn, turns } = batch();
    lines.write('one');
    lines.write('two');
    lines.write('three');
    expect(written).toEqual([]);
    expect(turns).toHaveLength(1);
    endTurn();
    expect(written).toEqual(['one\ntwo\nthree\n']);
  });

  it('starts a new batch in the next turn, and writes nothing for a turn without lines', () => {
    const { lines, written, endTurn } = batch();
    lines.write('a');
    endTurn();
    endTurn();
    lines.write('b');
    endTurn();
    expect(written).toEqual(['a\n', 'b\n']);
  });

  it('writes what it holds on flush (as on exit), and nothing twice', () => {
    const { lines, written, endTurn } = batch();
    lines.write('last words');
    lines.flush();
    endTurn();
    expect(written).toEqual(['last words\n']);
  });

  it('writes at once past a megabyte held, without waiting for the turn to end', () => {
    const { lines, written } = batch();
    const long = 'x'.repeat(300_000);
    for (let i = 0; i < 4; i++) lines.write(long);
    expect(written).toEqual([`${[long, long, long, long].join('\n')}\n`]);
  });

  it('writes through setImmediate by default', async () => {
    const written: string[] = [];
    const lines = lineBatch((text) => void written.push(text));
    lines.write('later');
    expect(written).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['later\n']);
  });
});
