import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveVariables } from '../../../../local/readers/serverless/variables.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
mkdirSync(join(root, 'test-results'), { recursive: true });
const scratch = mkdtempSync(join(root, 'test-results', 'variables-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
writeFileSync(join(scratch, 'settings.yml'), 'region: ap-south-1\ntables:\n  prod: t-${sls:stage}\n');

const sources = (warnings: string[] = []) => ({
  self: {
    service: 'svc',
    provider: { name: 'aws' },
    custom: { a: 'A-${sls:stage}', n: 3, arn: 'arn:aws:sqs:eu-west-1:1:q', list: 'x,y', deep: { table: '${self:custom.a}-t' }, prod: { bucket: 'b-prod' } },
  },
  stage: 'prod',
  region: 'eu-west-1',
  options: { stage: 'prod' },
  env: { HOME_DIR: '/home/x' },
  dir: scratch,
  warn: (m: string) => void warnings.push(m),
});

describe('resolveVariables', () => {
  it.each([
    ['${sls:stage}', 'prod'],
    ['${opt:stage, "dev"}', 'prod'],
    ["${opt:region, 'us-east-2'}", 'us-east-2'],
    ['${env:HOME_DIR}', '/home/x'],
    ["${env:MISSING, 'fallback, with comma'}", 'fallback, with comma'],
    ["${env:MISSING, 'a } brace'}", 'a } brace'],
    ['${env:MISSING, 8080}', 8080],
    ['${env:MISSING, ${self:service}}', 'svc'],
    ['${env:MISSING, ${self:custom.arn}}', 'arn:aws:sqs:eu-west-1:1:q'],
    ['${env:MISSING, ${self:custom.list}}', 'x,y'],
    ['${env:MISSING, ${env:ALSO_MISSING, "second"}}', 'second'],
    ['${self:custom.deep.table}', 'A-prod-t'],
    ['${self:custom.${sls:stage}.bucket}', 'b-prod'],
    ['${self:custom.${opt:stage, self:provider.stage}.bucket}', 'b-prod'],
    ['${self:custom.n}', 3],
    ['n=${self:custom.n}', 'n=3'],
    ['${self:provider.stage}', 'dev'], // as written in the file, defaulting to dev (serverless#7990)
    ['${aws:region}/${aws:accountId}', 'eu-west-1/000000000000'],
    ['${file(./settings.yml):region}', 'ap-south-1'],
    ['${file(./settings.yml):tables.${sls:stage}}', 't-prod'],
    ['arn:${AWS::Partition}:x:${AWS::Region}:${MyResource}', 'arn:${AWS::Partition}:x:${AWS::Region}:${MyResource}'],
  ])('%s -> %j', (input, expected) => {
    expect(resolveVariables(input, sources())).toEqual(expected);
  });

  it('resolves through objects and arrays, keeping types', () => {
    expect(resolveVariables({ a: ['${self:custom.n}', { b: '${sls:stage}' }], c: true }, sources())).toEqual({ a: [3, { b: 'prod' }], c: true });
  });

  it('leaves a source that has no offline value unset, with a warning naming where', () => {
    const warnings: string[] = [];
    expect(resolveVariables({ KEY: '${ssm:/app/key}', URL: 'https://${env:NOPE}/x' }, sources(warnings))).toEqual({ KEY: undefined, URL: undefined });
    expect(warnings).toEqual([expect.stringContaining('${ssm:/app/key} at KEY has no value offline'), expect.stringContaining('${env:NOPE} at URL')]);
  });

  it('fails on a self reference with no value, and on references that loop', () => {
    expect(() => resolveVariables({ x: '${self:custom.nothing}' }, sources())).toThrow(/\$\{self:custom\.nothing\} at x has no value: check the path or add a fallback/);
    const looping = { ...sources(), self: { custom: { a: '${self:custom.b}', b: '${self:custom.a}' } } };
    expect(() => resolveVariables('${self:custom.a}', looping)).toThrow(/too deeply/);
  });
});
