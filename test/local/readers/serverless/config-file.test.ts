import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readServerlessConfig, SERVERLESS_CONFIG_NAMES } from '../../../../local/readers/serverless/config-file.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'config-file-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const expected = { service: 'forms', provider: { name: 'aws', stage: 'dev' }, functions: { ws: { handler: 'h.main', events: [{ websocket: '$default' }] } } };
const json = JSON.stringify(expected);

function write(name: string, text: string): string {
  const dir = mkdtempSync(join(scratch, 'p-'));
  writeFileSync(join(dir, 'package.json'), '{ "name": "a-service", "private": true }\n'); // CommonJS, as most services are
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('readServerlessConfig', () => {
  it('lists the names in the Framework\'s order (osls resolve-configuration-path.js)', () => {
    expect(SERVERLESS_CONFIG_NAMES).toEqual(['serverless.yml', 'serverless.yaml', 'serverless.json', 'serverless.js', 'serverless.mjs', 'serverless.cjs', 'serverless.ts']);
  });

  it.each([
    ['serverless.yaml', 'service: forms\nprovider:\n  name: aws\n  stage: dev\nfunctions:\n  ws:\n    handler: h.main\n    events:\n      - websocket: $default\n'],
    ['serverless.json', json],
    ['serverless.js', `'use strict';\nmodule.exports = ${json};\n`],
    ['serverless.cjs', `module.exports = Promise.resolve(${json});\n`],
    ['serverless.mjs', `export default ${json};\n`],
    ['serverless.mjs', `export default new Promise((resolve) => setImmediate(() => resolve(${json})));\n`],
    ['serverless.ts', `interface Config { service: string }\nconst config: Config & Record<string, unknown> = ${json};\nmodule.exports = config;\n`],
    ['serverless.ts', `const config = ${json} satisfies Record<string, unknown>;\nexport default config;\n`],
  ])('reads %s (%#) by its extension', async (name, text) => {
    expect(await readServerlessConfig(write(name, text))).toEqual(expected);
  });

  it('keeps CloudFormation short tags of YAML as their long forms', async () => {
    expect(await readServerlessConfig(write('serverless.yml', 'service: t\nx: !GetAtt WebsocketsApi.ApiEndpoint\ny: !Ref WebsocketsApi\n'))).toEqual({
      service: 't',
      x: { 'Fn::GetAtt': ['WebsocketsApi', 'ApiEndpoint'] },
      y: { Ref: 'WebsocketsApi' },
    });
  });

  it.each([
    ['a missing file', () => join(scratch, 'nope', 'serverless.ts'), 'CONFIG_NOT_FOUND', /Cannot read .*serverless\.ts/],
    ['a JSON error', () => write('serverless.json', '{ "service": '), 'CONFIG_SYNTAX', /serverless\.json: JSON error/],
    ['a module that throws', () => write('serverless.js', "throw new Error('no config today');\n"), 'CONFIG_SYNTAX', /serverless\.js could not be loaded: .*no config today/],
    ['a module exporting no object', () => write('serverless.mjs', 'export default 42;\n'), 'CONFIG_INVALID', /must export an object/],
  ])('reports %s as a ConfigError', async (_label, path, code, message) => {
    await expect(readServerlessConfig(path())).rejects.toMatchObject({ name: 'ConfigError', code, message: expect.stringMatching(message) });
  });
});
