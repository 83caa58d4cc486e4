import { describe, expect, it } from 'vitest';
import { cloudFormationString } from '../../../../local/readers/cloudformation/cloudformation-values.ts';

const facts = {
  stackName: 'chat-dev',
  region: 'eu-west-1',
  accountId: '000000000000',
  tables: new Map([['Connections', 'chat-connections-dev']]),
  resources: new Map([['WebsocketsApi', { ref: 'abc123defg', attributes: { ApiEndpoint: 'wss://abc123defg.execute-api.eu-west-1.amazonaws.com' } }]]),
};

describe('cloudFormationString', () => {
  it.each([
    [{ Ref: 'Connections' }, 'chat-connections-dev'],
    [{ Ref: 'AWS::Region' }, 'eu-west-1'],
    [{ 'Fn::GetAtt': ['Connections', 'Arn'] }, 'arn:aws:dynamodb:eu-west-1:000000000000:table/chat-connections-dev'],
    [{ 'Fn::Sub': '${AWS::StackName}-${Connections}' }, 'chat-dev-chat-connections-dev'],
    [{ 'Fn::Sub': ['${Name}-x', { Name: { Ref: 'AWS::AccountId' } }] }, '000000000000-x'],
    [{ 'Fn::Join': [':', ['a', { Ref: 'AWS::Partition' }, 3]] }, 'a:aws:3'],
    [42, '42'],
    [{ Ref: 'WebsocketsApi' }, 'abc123defg'],
    [{ 'Fn::GetAtt': ['WebsocketsApi', 'ApiEndpoint'] }, 'wss://abc123defg.execute-api.eu-west-1.amazonaws.com'],
    [{ 'Fn::Join': ['', ['https://', { Ref: 'WebsocketsApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/dev']] }, 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/dev'],
    [{ 'Fn::Sub': 'https://${WebsocketsApi}.execute-api.${AWS::Region}.amazonaws.com/dev' }, 'https://abc123defg.execute-api.eu-west-1.amazonaws.com/dev'],
    [{ 'Fn::Sub': '${WebsocketsApi.ApiEndpoint}/dev' }, 'wss://abc123defg.execute-api.eu-west-1.amazonaws.com/dev'],
  ])('%j -> %s', (value, expected) => {
    expect(cloudFormationString(value, facts)).toBe(expected);
  });

  it.each([[{ Ref: 'SomeQueue' }], [{ 'Fn::GetAtt': ['Connections', 'StreamArn'] }], [{ 'Fn::GetAtt': ['WebsocketsApi', 'Nothing'] }], [{ 'Fn::ImportValue': 'x' }], [{ 'Fn::Sub': '${Missing}' }], [['a']]])(
    'cannot resolve %j offline',
    (value) => {
      expect(cloudFormationString(value, facts)).toBeUndefined();
    },
  );
});

describe('cloudFormationString with what a template reader knows', () => {
  const known = {
    ...facts,
    refs: new Map([['Env', 'prod'], ['OnConnect', 'chat-OnConnect']]),
    attributes: new Map([['OnConnect.Arn', 'arn:aws:lambda:eu-west-1:000000000000:function:chat-OnConnect']]),
    conditions: new Map([['IsProd', true]]),
  };

  it.each([
    [{ Ref: 'Env' }, 'prod'],
    [{ 'Fn::GetAtt': 'OnConnect.Arn' }, 'arn:aws:lambda:eu-west-1:000000000000:function:chat-OnConnect'],
    [{ 'Fn::Sub': 'functions/${OnConnect.Arn}/invocations' }, 'functions/arn:aws:lambda:eu-west-1:000000000000:function:chat-OnConnect/invocations'],
    [{ 'Fn::Join': ['/', ['integrations', { Ref: 'OnConnect' }]] }, 'integrations/chat-OnConnect'],
    [{ 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] }, 'b'],
    [{ 'Fn::If': ['IsProd', 'big', 'small'] }, 'big'],
    [{ 'Fn::Sub': '${!Literal}-${Env}' }, '${Literal}-prod'],
    [{ Ref: 'AWS::StackId' }, 'arn:aws:cloudformation:eu-west-1:000000000000:stack/chat-dev/00000000-0000-0000-0000-000000000000'],
  ])('%j -> %s', (value, expected) => {
    expect(cloudFormationString(value, known)).toBe(expected);
  });

  it.each([[{ 'Fn::If': ['Unknown', 'a', 'b'] }], [{ 'Fn::GetAtt': ['OnConnect', 'Version'] }], [{ 'Fn::Select': [5, ['a']] }]])('cannot resolve %j', (value) => {
    expect(cloudFormationString(value, known)).toBeUndefined();
  });
});
