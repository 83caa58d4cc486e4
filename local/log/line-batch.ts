/**
 * Lines gathered and written together once per turn of the event loop. Under load the emulator logs several lines
 * per delivery (the @connections call, START/END/REPORT, the invocation), and stdout to a pipe, file or terminal is
 * written synchronously: a write per line was a system call per line on the delivery path (with `console.log`'s own
 * formatting on top). Order is kept; nothing is held longer than the current turn, and whatever is held when the
 * process exits is written then.
 *
 * @example const log = lineBatch((text) => process.stdout.write(text)); log.write('one'); log.write('two'); // one write
 */
export interface LineBatch {
  write(line: string): void;
  /** Writes what is held now. */
  flush(): void;
}

/** Past this many characters held, they are written at once rather than at the end of the turn. */
const MAX_HELD_CHARACTERS = 1 << 20;

export function lineBatch(output: (text: string) => void, schedule: (flush: () => void) => void = (flush) => void setImmediate(flush)): LineBatch {
  let held: string[] = [];
  let characters = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (held.length === 0) return;
    const text = `${held.join('\n')}\n`;
    held = [];
    characters = 0;
    output(text);
  };
  return {
    write(line) {
      held.push(line);
      characters += line.length + 1;
      if (characters > MAX_HELD_CHARACTERS) return flush();
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
  };
}

let stdout: LineBatch | undefined;

/** The emulator's default log: one batch for the whole process (every API's lines keep their order), flushed on exit. */
export function stdoutLine(line: string): void {
  if (stdout === undefined) {
    const batch = lineBatch((text) => process.stdout.write(text));
    process.once('exit', () => batch.flush());
    stdout = batch;
  }
  stdout.write(line);
}
