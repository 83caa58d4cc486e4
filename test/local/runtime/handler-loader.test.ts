import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../support/ws-client.ts';
import type { TestClient } from '../../support/ws-client.ts';
import { projectsDir, startProject } from '../fixture-projects.ts';

const root = join(import.meta.dirname, '..', '..', '..');
// Inside the repo (git-ignored), so the copied handlers still resolve the repo's node_modules.
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'reload-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Sends frames until a reply matches (each send waits for its reply: no sleeps), within `timeoutMs`. */
async function replyUntil(client: TestClient, match: (frame: Record<string, any>) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (let n = 0; Date.now() < deadline; n++) {
    client.send(`ping ${n}`);
    const reply = await client.next(() => true);
    if (match(reply)) return reply;
  }
  throw new Error(`no matching reply within ${timeoutMs} ms; last ${JSON.stringify(client.frames.at(-1))}`);
}

const handlerSource = (version: number, imports = "import { greeting } from './lib/greeting.ts';", extra = "''") => `${imports}
export async function greet(event: { body: string }) {
  return { statusCode: 200, body: JSON.stringify({ greeting, version: ${version}, extra: ${extra}, body: event.body }) };
}
`;

describe.each([
  ['in its own process', 'in-process'],
  // The TypeScript handler is built by the emulator (HandlerBundler): each edit builds it again, a syntax error goes to tsx.
  ['in execution environments', 'environments'],
] as const)('hot reload, %s', (_, isolation) => {
  it('runs edited handlers and the files they import on the next event, keeps the connection, recovers from a syntax error', async () => {
    const dir = join(scratch, `reload-${isolation}`);
    cpSync(join(projectsDir, 'reload'), dir, { recursive: true });
    const reloads: string[] = [];
    const emulator = await startProject('reload', { configPath: join(dir, 'serverless.yml'), watch: true, isolation, log: (line) => void (line.startsWith('reloaded') && reloads.push(line)) });
    try {
      const client = await connectClient(emulator.wsUrl);
      client.send('first');
      expect(await client.next(() => true)).toEqual({ greeting: 'hello', version: 1, extra: '', body: 'first' });
      const { connectionId } = emulator.listConnections()[0]!;

      // A module the handler imports.
      writeFileSync(join(dir, 'lib', 'greeting.ts'), "export const greeting = 'bonjour';\n");
      expect(await replyUntil(client, (r) => r.greeting === 'bonjour')).toMatchObject({ version: 1 });
      expect(reloads.some((line) => /reloaded after a change to .*lib\/greeting\.ts/.test(line))).toBe(true);

      // A syntax error fails the next events like a failing Lambda (the connection stays), until it is fixed.
      writeFileSync(join(dir, 'handler.ts'), 'export async function greet( {\n');
      expect(await replyUntil(client, (r) => r.message === 'Internal server error')).toMatchObject({ connectionId });
      writeFileSync(join(dir, 'handler.ts'), handlerSource(2));
      expect(await replyUntil(client, (r) => r.version === 2)).toMatchObject({ greeting: 'bonjour' });

      // A file imported for the first time after an edit, in a folder not watched before, is watched too.
      mkdirSync(join(dir, 'extra'));
      writeFileSync(join(dir, 'extra', 'word.ts'), "export const word = 'one';\n");
      writeFileSync(join(dir, 'handler.ts'), handlerSource(3, "import { greeting } from './lib/greeting.ts';\nimport { word } from './extra/word.ts';", 'word'));
      expect(await replyUntil(client, (r) => r.version === 3)).toMatchObject({ extra: 'one' });
      writeFileSync(join(dir, 'extra', 'word.ts'), "export const word = 'two';\n");
      expect(await replyUntil(client, (r) => r.extra === 'two')).toMatchObject({ version: 3 });

      expect(client.socket.readyState).toBe(client.socket.OPEN);
      expect(emulator.listConnections().map((c) => c.connectionId)).toEqual([connectionId]);
      client.socket.close();
    } finally {
      await emulator.stop();
    }
  });
});
