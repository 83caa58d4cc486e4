import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClient } from '../support/ws-client.ts';
import { startEmbeddedDynamoDb } from '../../local/dynamodb/embedded-dynamodb.ts';
import { projectsDir, startProject } from './fixture-projects.ts';

const root = join(import.meta.dirname, '..', '..');
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'reload-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('hot reload', () => {
  it('runs the edited handler on the next event without dropping open connections', async () => {
    const dir = join(scratch, 'behaviour');
    cpSync(join(projectsDir, 'behaviour'), dir, { recursive: true });
    const reloads: string[] = [];
    const emulator = await startProject('behaviour', {
      configPath: join(dir, 'serverless.yml'),
      watch: true,
      log: (line) => line.startsWith('reloaded') && reloads.push(line),
    });
    try {
      const client = await connectClient(emulator.wsUrl);
      client.send({ action: 'echo', v: 1 });
      expect(await client.next(() => true)).toEqual({ action: 'echo', v: 1 });

      const file = join(dir, 'handlers.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace('return { statusCode: 200, body: event.body };', "return { statusCode: 200, body: JSON.stringify({ edited: true }) };"));
      const deadline = Date.now() + 10_000;
      let reply: Record<string, unknown> = {};
      for (let v = 2; !reply.edited && Date.now() < deadline; v++) {
        client.send({ action: 'echo', v });
        reply = await client.next(() => true);
      }
      expect(reply).toEqual({ edited: true });
      expect(client.socket.readyState).toBe(client.socket.OPEN);
      expect(reloads[0]).toMatch(/reloaded after a change to .*handlers\.ts/);
      client.socket.close();
    } finally {
      await emulator.stop();
    }
  });
});

describe('embedded DynamoDB', () => {
  it("creates serverless.yml's tables and handlers reach them through AWS_ENDPOINT_URL_DYNAMODB", async () => {
    const emulator = await startProject('tables');
    try {
      const client = await connectClient(emulator.wsUrl);
      client.send({ id: 'n1', text: 'remember me' });
      expect(await client.next(() => true)).toEqual({ table: 'notes-dev', text: 'remember me' });
      client.socket.close();
    } finally {
      await emulator.stop();
    }
  });

  it('keeps data across restarts with persistDir', async () => {
    const persistDir = join(scratch, 'data');
    const first = await startProject('tables', { persistDir });
    const writer = await connectClient(first.wsUrl);
    writer.send({ id: 'kept', text: 'still here' });
    expect(await writer.next(() => true)).toMatchObject({ text: 'still here' });
    writer.socket.close();
    await first.stop();

    const second = await startProject('tables', { persistDir });
    try {
      const reader = await connectClient(second.wsUrl);
      reader.send({ id: 'kept' });
      expect(await reader.next(() => true)).toEqual({ table: 'notes-dev', text: 'still here' });
      reader.socket.close();
    } finally {
      await second.stop();
    }
  });
});

describe('a DynamoDB given by endpoint (DynamoDB Local, LocalStack)', () => {
  it('creates the tables there if missing, and keeps them when they exist', async () => {
    const external = await startEmbeddedDynamoDb();
    try {
      for (let start = 0; start < 2; start++) {
        const emulator = await startProject('tables', { dynamodbEndpoint: external.endpoint });
        expect(emulator.dynamodbEndpoint).toBe(external.endpoint);
        const client = await connectClient(emulator.wsUrl);
        client.send(start === 0 ? { id: 'x', text: 'written on the first start' } : { id: 'x' });
        expect(await client.next(() => true)).toEqual({ table: 'notes-dev', text: 'written on the first start' });
        client.socket.close();
        await emulator.stop();
      }
    } finally {
      await external.stop();
    }
  });
});
