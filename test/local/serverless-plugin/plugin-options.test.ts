import { describe, expect, it } from 'vitest';
import { pluginEmulatorOptions } from '../../../local/serverless-plugin/plugin-options.ts';

describe('pluginEmulatorOptions', () => {
  it('takes serverless-offline\'s flag names as aliases, seconds to milliseconds', () => {
    expect(pluginEmulatorOptions({ websocketPort: '3005', httpPort: '3006', webSocketIdleTimeout: '30', webSocketHardTimeout: '60', noPrependStageInUrl: true }, undefined, '/srv')).toMatchObject({
      port: 3005,
      httpPort: 3006,
      idleTimeoutMs: 30_000,
      maxDurationMs: 60_000,
      prependStage: false,
    });
  });

  it('lets flags win over custom.wsgate, which wins over custom.serverless-offline', () => {
    const custom = { wsgate: { port: 4001, httpPort: false, idleTimeout: 5 }, 'serverless-offline': { websocketPort: 5001, host: '0.0.0.0', webSocketHardTimeout: 9 } };
    expect(pluginEmulatorOptions({ port: '6001' }, custom, '/srv')).toMatchObject({ port: 6001, httpPort: false, host: '0.0.0.0', idleTimeoutMs: 5_000, maxDurationMs: 9_000, prependStage: true });
    expect(pluginEmulatorOptions({}, custom, '/srv')).toMatchObject({ port: 4001 });
    expect(pluginEmulatorOptions({}, { 'serverless-offline': { websocketPort: 5001 } }, '/srv')).toMatchObject({ port: 5001, httpPort: 3000 });
  });

  it('resolves persistDir against the service folder, and takes --stage and --no-watch', () => {
    expect(pluginEmulatorOptions({ stage: 'qa', 'no-watch': true }, { wsgate: { persistDir: '.wsgate/data' } }, '/srv/app')).toMatchObject({ stage: 'qa', watch: false, persistDir: '/srv/app/.wsgate/data' });
  });

  it.each([
    [{ port: 'abc' }, undefined, '--port must be a port number; got "abc"'],
    [{ webSocketIdleTimeout: '0' }, undefined, '--webSocketIdleTimeout must be a number of seconds above 0; got "0"'],
    [{}, { wsgate: { prot: 1 } }, 'custom.wsgate.prot is not a wsgate option; known: port, httpPort, host, persistDir, idleTimeout, maxDuration, watch'],
    [{}, { wsgate: { watch: 'yes' } }, 'custom.wsgate.watch must be true or false'],
  ])('refuses %o / %o naming the flag or key', (flags, custom, message) => {
    expect(() => pluginEmulatorOptions(flags, custom, '/srv')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message }));
  });
});
