import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, InvocationRecord } from '../../../local/emulator.ts';
import { startGate } from '../../support/gate.ts';
import { invocationOf } from '../../support/invocations.ts';
import { connectClient } from '../../support/ws-client.ts';
import type { TestClient } from '../../support/ws-client.ts';
import { startProject } from '../fixture-projects.ts';

let emulator: Emulator;
let client: TestClient;
const lines: string[] = [];
const ask = async (action: string, extra: Record<string, unknown> = {}, on: TestClient = client) => {
  on.send({ action, ...extra });
  return on.next(() => true, 30_000); // a reply may wait for a new environment's cold start
};

beforeAll(async () => {
  process.env.WSGATE_TEST_HOST_ONLY = 'the test process';
  emulator = await startProject('environments', { isolation: 'environments', httpPort: 0, log: (line) => void lines.push(line) });
  client = await connectClient(emulator.wsUrl);
});
afterAll(async () => {
  client.socket.close();
  await emulator.stop();
  delete process.env.WSGATE_TEST_HOST_ONLY;
});

describe('execution environments', () => {
  it('fails only the function whose handler throws while imported, with one log line naming the file; the rest serve', async () => {
    const failed = invocationOf(emulator, (r) => r.routeKey === 'broken');
    expect(await ask('broken')).toMatchObject({ message: 'Internal server error' });
    expect(await failed).toMatchObject({ status: 'error', error: expect.stringMatching(/^FunctionInitError: .*broken\.ts: Error: PAYMENTS_API_KEY is not set$/) });
    expect(await ask('broken')).toMatchObject({ message: 'Internal server error' });
    expect(lines.filter((line) => /broken {2}could not load its handler: .*broken\.ts: Error: PAYMENTS_API_KEY is not set/.test(line))).toHaveLength(1);
    expect(await ask('red')).toMatchObject({ COLOUR: 'red' });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('gives each function its own variables and those Lambda sets, nothing of the host or of other functions', async () => {
    const [red, blue] = [await ask('red'), await ask('blue')];
    expect(red).toEqual({
      COLOUR: 'red',
      AWS_LAMBDA_FUNCTION_NAME: 'environments-local-red',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/environments-local-red',
      AWS_LAMBDA_LOG_STREAM_NAME: expect.stringMatching(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/),
      AWS_REGION: 'eu-central-1',
      AWS_DEFAULT_REGION: 'eu-central-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: expect.stringMatching(/environments$/),
      _HANDLER: 'colour.handler',
      TZ: ':UTC',
      AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI: emulator.connectionsUrl,
      AWS_ENDPOINT_URL_DYNAMODB: emulator.dynamodbEndpoint,
      WSGATE_TEST_HOST_ONLY: null,
      contextLogStreamName: red.AWS_LAMBDA_LOG_STREAM_NAME, // one stream per environment, the variable and context alike
    });
    expect(blue).toMatchObject({ COLOUR: 'blue', AWS_LAMBDA_FUNCTION_NAME: 'environments-local-blue', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' });
    expect(process.env.COLOUR).toBeUndefined();
    expect(lines.filter((line) => /warning:.*COLOUR/.test(line))).toEqual([]);
  });

  it('keeps a handler that replaces global.fetch inside its environment: the pages and other handlers still fetch', async () => {
    const fetchBefore = globalThis.fetch;
    expect(await ask('hijack')).toEqual({ replaced: true });
    expect(globalThis.fetch).toBe(fetchBefore);
    const config = await (await fetch(`${emulator.pageUrl}config.json`)).json();
    expect(config).toMatchObject({ wsUrl: emulator.wsUrl });
    const gate = await startGate();
    try {
      const counted = ask('counter', { wait: gate.url }); // this handler fetches the gate with the real fetch
      await gate.holding(1);
      gate.release();
      expect(await counted).toEqual({ count: expect.any(Number) });
    } finally {
      await gate.stop();
    }
  });

  it('stops a synchronous infinite loop at its timeout: the frame, the connection kept, the environment ended', async () => {
    const timedOut = invocationOf(emulator, (r) => r.routeKey === 'loop');
    expect(await ask('loop', { spin: true })).toMatchObject({ message: 'Internal server error' });
    expect(await timedOut).toMatchObject({ status: 'timeout', error: 'HandlerTimeoutError: Task timed out after 1.00 seconds' });
    expect(emulator.environmentsOf('loop')).toBe(0);
    expect(await ask('loop', { spin: false })).toEqual({ looped: false });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it.each([
    ['exit', { exit: true }, /^EnvironmentExitError: Runtime\.ExitError: the runtime exited with status 1/, { exited: false }],
    ['reject', { reject: true }, /^EnvironmentExitError: Runtime\.ExitError: Error: nobody handles this/, { rejected: false }],
    ['heap', { grow: true }, /^EnvironmentExitError: Runtime\.OutOfMemory: the environment ran out of its 128 MB/, { grown: false }],
  ])('discards the environment on %s and fails only that invocation; the next one runs in a new environment', async (action, misbehave, error, fine) => {
    const failed = invocationOf(emulator, (r) => r.routeKey === action, 30_000);
    expect(await ask(action, misbehave)).toMatchObject({ message: 'Internal server error' });
    expect(await failed).toMatchObject({ status: 'error', error: expect.stringMatching(error) });
    expect(await ask(action, {})).toEqual(fine);
    expect(await ask('red')).toMatchObject({ COLOUR: 'red' });
  }, 90_000); // the environment's end, then a cold start of the next

  it('loads aws-sdk v2 through two entry paths into one module graph', async () => {
    expect(await ask('sdkv2')).toEqual({ executor: 'function', documentClient: 'function', sameNamespace: true });
  });

  it('hands the gateway the value the handler returned, as in-process: { statusCode: NaN } refuses $connect with 502', async () => {
    // JSON would make it { statusCode: null }, which a $connect accepts as 200.
    await expect(connectClient(`${emulator.wsUrl}?status=NaN`)).rejects.toMatchObject({ statusCode: 502 });
    await expect(connectClient(`${emulator.wsUrl}?status=401`)).rejects.toMatchObject({ statusCode: 401 });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('finds a CommonJS handler exported as module.exports.default', async () => {
    expect(await ask('cjsdefault')).toEqual({ via: 'module.exports.default', routeKey: 'cjsdefault' });
  });
});

describe('the lifecycle', () => {
  it('starts cold, then reuses the environment: module state kept across sequential invocations', async () => {
    const first = invocationOf(emulator, (r) => r.routeKey === 'counter');
    expect(await ask('counter')).toEqual({ count: expect.any(Number) });
    const record = await first;
    const base = (client.frames.at(-1) as { count: number }).count;
    const second = invocationOf(emulator, (r) => r.routeKey === 'counter');
    expect(await ask('counter')).toEqual({ count: base + 1 });
    expect(await second).toMatchObject({ coldStart: false, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), billedDurationMs: expect.any(Number), maxMemoryUsedMb: expect.any(Number) });
    if (record.coldStart) expect(record.initDurationMs).toBeGreaterThan(0);
    expect(emulator.environmentsOf('counter')).toBe(1);
  });

  it('gives concurrent invocations environments of their own, which share no module state', async () => {
    const gate = await startGate();
    const other = await connectClient(emulator.wsUrl);
    try {
      const reused = ask('counter', { wait: gate.url });
      await gate.holding(1);
      const fresh = ask('counter', { wait: gate.url }, other);
      await gate.holding(2);
      expect(emulator.environmentsOf('counter')).toBe(2);
      gate.release();
      expect((await fresh).count).toBe(1);
      expect((await reused).count).toBeGreaterThan(1);
    } finally {
      other.socket.close();
      await gate.stop();
    }
  });

  it('hands an idle environment to one of several invocations arriving in one turn, never to two', async () => {
    await emulator.invoke('counter', { body: '{}' }); // one environment, idle now
    const outcomes = await Promise.all([1, 2, 3].map(() => emulator.invoke('counter', { body: '{}' })));
    // Whichever environment each gets (the idle one, one it frees, or a new one), every one runs.
    expect(outcomes.map((outcome) => [outcome.error?.message, (outcome.result as { statusCode?: number } | undefined)?.statusCode])).toEqual([
      [undefined, 200],
      [undefined, 200],
      [undefined, 200],
    ]);
  });

  it('throttles past reservedConcurrency as Lambda does: that frame gets Internal server error', async () => {
    const gate = await startGate();
    const other = await connectClient(emulator.wsUrl);
    try {
      const running = ask('single', { wait: gate.url });
      await gate.holding(1);
      const throttled = invocationOf(emulator, (r) => r.routeKey === 'single' && r.status === 'throttled');
      expect(await ask('single', {}, other)).toMatchObject({ message: 'Internal server error' });
      expect(await throttled).toMatchObject({ error: expect.stringMatching(/^FunctionThrottledError: Rate Exceeded/) });
      gate.release();
      expect(await running).toEqual({ count: 1 });
    } finally {
      other.socket.close();
      await gate.stop();
    }
  });
});

describe("a connection's frames sent back to back", () => {
  /** The `invocation` records of `routeKey` from now on. */
  const recordsOf = (routeKey: string) => {
    const records: InvocationRecord[] = [];
    const listener = (record: InvocationRecord) => void (record.routeKey === routeKey && records.push(record));
    emulator.events.on('invocation', listener);
    return { records, stop: () => emulator.events.off('invocation', listener) };
  };

  it('run in order in one environment: each posts and replies before the next runs, a Forbidden frame in its place', async () => {
    const other = await connectClient(emulator.wsUrl);
    try {
      other.send({ action: 'sequence', tag: 'warm' });
      const { count } = await other.next((frame) => frame.replied === 'warm', 30_000);
      const seen = recordsOf('sequence');
      const already = other.frames.length;
      for (const tag of ['a', 'b']) other.send({ action: 'sequence', tag });
      other.send({ action: 'nowhere' });
      for (const tag of ['c', 'd']) other.send({ action: 'sequence', tag });
      await other.next((frame) => frame.replied === 'd');
      seen.stop();
      const said = (tag: string, n: number) => [{ posted: tag, count: count + n }, { replied: tag, count: count + n }];
      expect(other.frames.slice(already)).toEqual([
        ...said('a', 1),
        ...said('b', 2),
        { message: 'Forbidden', connectionId: expect.any(String), requestId: expect.any(String) },
        ...said('c', 3),
        ...said('d', 4),
      ]);
      expect(seen.records.map((record) => [record.status, record.coldStart])).toEqual([
        [200, false],
        [200, false],
        [200, false],
        [200, false],
      ]);
      expect(emulator.environmentsOf('sequence')).toBe(1);
    } finally {
      other.socket.close();
    }
  });

  it('keep their order across functions: a frame for another function runs between two of one', async () => {
    const other = await connectClient(emulator.wsUrl);
    try {
      other.send({ action: 'sequence', tag: 'warm' });
      const { count } = await other.next((frame) => frame.replied === 'warm', 30_000);
      const already = other.frames.length;
      other.send({ action: 'sequence', tag: 'a' });
      other.send({ action: 'red' });
      other.send({ action: 'sequence', tag: 'b' });
      await other.next((frame) => frame.replied === 'b', 30_000);
      expect(other.frames.slice(already).map((frame) => frame.posted ?? frame.replied ?? frame.COLOUR)).toEqual(['a', 'a', 'red', 'b', 'b']);
      expect(other.frames.at(-1)).toEqual({ replied: 'b', count: count + 2 });
    } finally {
      other.socket.close();
    }
  });

  it('count each timeout from its own start, not from when the frame came', async () => {
    const other = await connectClient(emulator.wsUrl);
    try {
      other.send({ action: 'loop', sleepMs: 0 }); // an environment, so that neither of the two below waits for one
      await other.next(() => true, 30_000);
      const seen = recordsOf('loop');
      // 600 ms each, with a timeout of 1 s: the second would time out if its time ran while it waited for the first.
      for (const _ of [1, 2]) other.send({ action: 'loop', sleepMs: 600 });
      expect([await other.next(() => true), await other.next(() => true)]).toEqual([{ looped: false }, { looped: false }]);
      seen.stop();
      expect(seen.records.map((record) => record.status)).toEqual([200, 200]);
    } finally {
      other.socket.close();
    }
  });

  it.each([
    ['loop', { spin: true }, 'timeout'],
    ['exit', { exit: true }, 'error'],
  ])('after a frame whose handler ends its environment (%s), run the next in a new one', async (action, misbehave, status) => {
    const other = await connectClient(emulator.wsUrl);
    try {
      const seen = recordsOf(action);
      other.send({ action, ...misbehave });
      other.send({ action });
      expect(await other.next(() => true, 30_000)).toMatchObject({ message: 'Internal server error' });
      expect(await other.next(() => true, 30_000)).toEqual(action === 'loop' ? { looped: false } : { exited: false });
      seen.stop();
      expect(seen.records.map((record) => record.status)).toEqual([status, 200]);
      expect(seen.records[1]?.coldStart).toBe(true);
    } finally {
      other.socket.close();
    }
  }, 60_000);

  it('count against reservedConcurrency only once running: a frame waiting behind another does not throttle other connections', async () => {
    const gate = await startGate();
    const [mine, theirs] = [await connectClient(emulator.wsUrl), await connectClient(emulator.wsUrl)];
    try {
      mine.send({ action: 'pair', wait: gate.url });
      await gate.holding(1);
      mine.send({ action: 'pair' }); // waits in that environment, behind the first (sent before the frame below)
      expect(await ask('pair', {}, theirs)).toEqual({ count: 1 }); // reservedConcurrency 2: one running, so it runs
      gate.release();
      expect([await mine.next(() => true), await mine.next(() => true)]).toEqual([{ count: 1 }, { count: 2 }]);
    } finally {
      mine.socket.close();
      theirs.socket.close();
      await gate.stop();
    }
  });

  it('are not throttled by reservedConcurrency 1: each runs after the one before', async () => {
    const other = await connectClient(emulator.wsUrl);
    try {
      for (const _ of [1, 2, 3]) other.send({ action: 'single' });
      const counts = [];
      for (const _ of [1, 2, 3]) counts.push(await other.next(() => true, 30_000));
      const first = (counts[0] as { count: number }).count;
      expect(counts).toEqual([{ count: first }, { count: first + 1 }, { count: first + 2 }]);
    } finally {
      other.socket.close();
    }
  });
});

describe('maxConcurrency', () => {
  it('queues invocations past the emulator-wide limit instead of starting more environments', async () => {
    const limited = await startProject('environments', { isolation: 'environments', maxConcurrency: 1 });
    const gate = await startGate();
    const [a, b] = [await connectClient(limited.wsUrl), await connectClient(limited.wsUrl)];
    try {
      const first = ask('counter', { wait: gate.url }, a);
      await gate.holding(1);
      const second = ask('counter', { wait: gate.url }, b);
      expect(limited.environmentsOf('counter')).toBe(1);
      gate.release();
      expect(await first).toEqual({ count: 1 });
      await gate.holding(1);
      gate.release();
      expect(await second).toEqual({ count: 2 }); // the same environment, after the first
    } finally {
      a.socket.close();
      b.socket.close();
      await gate.stop();
      await limited.stop();
    }
  });
});
