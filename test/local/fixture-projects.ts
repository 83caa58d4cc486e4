import { join } from 'node:path';
import { startEmulator } from '../../local/emulator.ts';
import type { Emulator, EmulatorOptions } from '../../local/emulator.ts';
import { startHandlerRecorder } from '../support/handler-recorder.ts';
import type { HandlerEvent, HandlerRecorder } from '../support/handler-recorder.ts';

export const projectsDir = join(import.meta.dirname, '..', 'fixtures', 'projects');

let recorder: Promise<HandlerRecorder> | undefined;
/** One recorder per test file; the fixtures' serverless.yml pass its URL to every function. */
function theRecorder(): Promise<HandlerRecorder> {
  recorder ??= startHandlerRecorder().then((started) => {
    process.env.WSGATE_FIXTURE_RECORDER = started.url;
    return started;
  });
  return recorder;
}

/** What the fixture handlers reported so far (test/fixtures/projects/record.ts). */
export async function handlerEvents(): Promise<HandlerEvent[]> {
  return (await theRecorder()).events;
}

/** Resolves with the first event a handler has reported (or will) that matches; rejects after `timeoutMs`. */
export async function eventSeen(match: (event: HandlerEvent) => boolean, timeoutMs = 5_000): Promise<HandlerEvent> {
  return (await theRecorder()).eventSeen(match, timeoutMs);
}

/**
 * A fixture project on free ports, silent, without pages, watching or warm-up unless asked (the suites share two
 * cores: only the functions a test uses start an environment).
 */
export async function startProject(name: string, options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  await theRecorder();
  return startEmulator({ configPath: join(projectsDir, name, 'serverless.yml'), port: 0, log: false, watch: false, warm: false, ...options });
}
