import { describe, expect, it } from 'vitest';
import { cloudFormationString } from '../../../../local/readers/cloudformation/cloudformation-values.ts';

const facts = { stackName: 'chat-dev', region: 'eu-west-1', accountId: '000000000000', tables: new Map([['Connections', 'chat-connections-dev']]) };

describe('cloudFormationString', () => {
  it.each([
    [{ Ref: 'Connections' }, 'chat-connections-dev'],
    [{ Ref: 'AWS::Region' }, 'eu-west-1'],
    [{ 'Fn::GetAtt': ['Connections', 'Arn'] }, 'arn:aws:dynamodb:eu-west-1:000000000000:table/chat-connections-dev'],
    [{ 'Fn::Sub': '${AWS::StackName}-${Connections}' }, 'chat-dev-chat-connections-dev'],
    [{ 'Fn::Sub': ['${Name}-x', { Name: { Ref: 'AWS::AccountId' } }] }, '000000000000-x'],
    [{ 'Fn::Join': [':', ['a', { Ref: 'AWS::Partition' }, 3]] }, 'a:aws:3'],
    [42, '42'],
  ])('%j -> %s', (value, expected) => {
    expect(cloudFormationString(value, facts)).toBe(expected);
  });

  it.each([[{ Ref: 'SomeQueue' }], [{ 'Fn::GetAtt': ['Connections', 'StreamArn'] }], [{ 'Fn::ImportValue': 'x' }], [{ 'Fn::Sub': '${Missing}' }], [['a']]])(
    'cannot resolve %j offline',
    (value) => {
      expect(cloudFormationString(value, facts)).toBeUndefined();
    },
  );
});
