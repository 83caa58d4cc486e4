import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cliOptions } from '../local/cli-options.ts';
import { emulatorOptions } from '../local/emulator-options.ts';

const root = join(import.meta.dirname, '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const hasDockerCompose = (() => {
  try {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** No Docker engine runs here: what can be checked without one is checked, the rest is said in the README. */
describe('docker-compose.yml and the Dockerfile', () => {
  it.runIf(hasDockerCompose || process.env.CI)('pass `docker-compose config -q`', () => {
    expect(() => execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });

  it("run the emulator's CLI with flags it accepts, on all interfaces, on the published ports", () => {
    const [program, flag, loader, script, ...args] = compose.services.app.command as string[];
    expect([program, flag, loader, script]).toEqual(['node', '--import', 'tsx', 'local/cli.ts']);
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start).toBe('node --import tsx local/cli.ts');
    const options = emulatorOptions(cliOptions(args) as object);
    expect(options).toMatchObject({ configPath: 'serverless.yml', host: '0.0.0.0', port: 3001, httpPort: 3000 });
    expect(compose.services.app.ports).toEqual([`${options.port}:${options.port}`, `${options.httpPort}:${options.httpPort}`]);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!);
    expect(cmd).toEqual(compose.services.app.command);
    expect(dockerfile).toMatch(/^EXPOSE 3001 3000$/m);
  });

  it('point the app at DynamoDB Local by default, through the standard SDK variable', () => {
    expect(compose.services.app.environment.AWS_ENDPOINT_URL_DYNAMODB).toBe('${DYNAMODB_ENDPOINT:-http://dynamodb:8000}');
    expect(compose.services.dynamodb.image).toMatch(/^amazon\/dynamodb-local:/);
    expect(compose.services.dynamodb.command).toEqual(['-jar', 'DynamoDBLocal.jar', '-sharedDb', '-inMemory']);
    expect(compose.services.dynamodb.ports).toEqual(['8000:8000']);
    expect(compose.services.dynamodb.profiles).toBeUndefined();
  });

  it('pin the images to release tags their own docs name', () => {
    expect(compose.services.dynamodb.image).toBe('amazon/dynamodb-local:3.3.2');
    expect(compose.services.floci.image).toBe('floci/floci:1.5.11');
  });

  it('offer floci behind a profile of its own, on the port DYNAMODB_ENDPOINT names', () => {
    expect(compose.services.floci.profiles).toEqual(['floci']);
    expect(compose.services.floci.ports).toEqual(['4566:4566']);
    expect(compose.services.floci.environment).toBeUndefined(); // no account, no token
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).toContain('DYNAMODB_ENDPOINT=http://floci:4566 docker compose --profile floci up');
  });

  it('keep LocalStack behind a profile, its token passed through from the environment only', () => {
    expect(compose.services.localstack.profiles).toEqual(['localstack']);
    expect(compose.services.localstack.environment.LOCALSTACK_AUTH_TOKEN).toBe('${LOCALSTACK_AUTH_TOKEN:-}');
    expect(compose.services.localstack.ports).toEqual(['4566:4566']);
  });

  it('keep to keys docker-compose 1.29 accepts', () => {
    expect(Object.keys(compose).sort()).toEqual(['services', 'version']);
    for (const service of Object.values(compose.services) as Record<string, unknown>[]) expect(service).not.toHaveProperty('develop');
  });

  it('build a node 22 slim image that installs with npm ci, runs as a non-root user and has a healthcheck on the page server', () => {
    expect(dockerfile).toMatch(/^FROM node:22-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*127\.0\.0\.1:3000\/config\.json/m);
  });
});
