import { describe, expect, it } from 'vitest';
import { pluginEmulatorOptions } from '../../../local/serverless-plugin/plugin-options.ts';

describe('pluginEmulatorOptions', () => {
  it("takes serverless-offline's flag names as aliases, seconds to milliseconds", () => {
    const { given, prependStage } = pluginEmulatorOptions({ websocketPort: '3005', httpPort: '3006', webSocketIdleTimeout: '30', webSocketHardTimeout: '60', noPrependStageInUrl: true }, undefined, '/srv');
    expect(given).toMatchObject({ port: 3005, httpPort: 3006, idleTimeoutMs: 30_000, maxDurationMs: 60_000 });
    expect(prependStage).toBe(false);
  });

  it("prefers wsgate's flag name to serverless-offline's, and takes custom.serverless-offline as defaults only", () => {
    const custom = { 'serverless-offline': { websocketPort: 5001, host: '0.0.0.0', webSocketHardTimeout: 9 } };
    const { given, defaults, prependStage } = pluginEmulatorOptions({ port: '6001', websocketPort: '7001' }, custom, '/srv');
    expect(given.port).toBe(6001);
    expect(defaults).toEqual({ httpPort: 3000, port: 5001, host: '0.0.0.0', maxDurationMs: 9_000 });
    expect(prependStage).toBe(true);
  });

  it('resolves --persist against the service folder, and takes --stage and --no-watch', () => {
    expect(pluginEmulatorOptions({ stage: 'qa', 'no-watch': true, persist: '.wsgate/data' }, {}, '/srv/app').given).toMatchObject({ stage: 'qa', watch: false, persistDir: '/srv/app/.wsgate/data' });
  });

  it.each([
    [{ port: 'abc' }, undefined, '--port must be a port number; got "abc"'],
    [{ webSocketIdleTimeout: '0' }, undefined, '--webSocketIdleTimeout must be a number of seconds above 0; got "0"'],
    [{}, { 'serverless-offline': { httpPort: 'x' } }, 'custom.serverless-offline.httpPort must be a port number; got "x"'],
  ])('refuses %o / %o naming the flag or key', (flags, custom, message) => {
    expect(() => pluginEmulatorOptions(flags, custom, '/srv')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message }));
  });
});
