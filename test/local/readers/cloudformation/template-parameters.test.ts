import { describe, expect, it } from 'vitest';
import { parameterValues, parseParameterOverrides } from '../../../../local/readers/cloudformation/template-parameters.ts';

describe('parseParameterOverrides', () => {
  it.each([
    ['TableName=chat Stage=dev', { TableName: 'chat', Stage: 'dev' }],
    ['ParameterKey=TableName,ParameterValue=chat ParameterKey=Note,ParameterValue="a b"', { TableName: 'chat', Note: 'a b' }],
    ["Greeting='hi there' Empty=", { Greeting: 'hi there', Empty: '' }],
  ])('%s', (text, expected) => {
    expect(parseParameterOverrides(text)).toEqual(expected);
  });

  it('names a word it cannot read', () => {
    expect(() => parseParameterOverrides('TableName')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('"TableName" must be Key=Value') }));
  });
});

describe('parameterValues', () => {
  const declared = { Env: { Type: 'String', Default: 'dev', AllowedValues: ['dev', 'prod'] }, Size: { Type: 'Number', Default: 3 }, Token: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/app/token' } };

  it('takes overrides over defaults and warns about SSM parameters a resource uses', () => {
    const warnings: string[] = [];
    expect(Object.fromEntries(parameterValues(declared, { Env: 'prod' }, (w) => warnings.push(w)))).toEqual({ Env: 'prod', Size: '3' });
    expect(warnings).toEqual(['Parameters.Token is read from SSM Parameter Store (/app/token), which is not emulated; pass --parameter-overrides Token=VALUE']);
    const quiet: string[] = [];
    parameterValues(declared, {}, (w) => quiet.push(w), (name) => name !== 'Token');
    expect(quiet).toEqual([]);
  });

  it.each([
    [{ Env: 'test' }, /Parameters\.Env is "test", not one of its AllowedValues \(dev, prod\)/],
    [{ Nope: 'x' }, /--parameter-overrides names "Nope", which is not in the template's Parameters \(Env, Size, Token\)/],
  ])('fails on %j', (overrides, message) => {
    expect(() => parameterValues(declared, overrides, () => {})).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) }));
  });

  it('needs a value for a parameter without a Default', () => {
    expect(() => parameterValues({ Name: { Type: 'String' } }, {}, () => {})).toThrow(expect.objectContaining({ message: 'Parameters.Name has no Default: pass --parameter-overrides Name=VALUE' }));
  });
});
