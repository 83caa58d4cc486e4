import { describe, expect, it } from 'vitest';
import { applyConditions, evaluateConditions } from '../../../../local/readers/cloudformation/cloudformation-conditions.ts';

const facts = { stackName: 's', region: 'us-east-1', accountId: '000000000000', tables: new Map(), refs: new Map([['Env', 'prod']]) };

describe('evaluateConditions', () => {
  it('evaluates Fn::Equals, Fn::Not, Fn::And, Fn::Or and Condition, in any order', () => {
    const conditions = evaluateConditions(
      {
        Both: { 'Fn::And': [{ Condition: 'IsProd' }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }] },
        IsProd: { 'Fn::Equals': [{ Ref: 'Env' }, 'prod'] },
        IsDev: { 'Fn::Not': [{ Condition: 'IsProd' }] },
        Either: { 'Fn::Or': [{ Condition: 'IsDev' }, { Condition: 'Both' }] },
      },
      facts,
    );
    expect(Object.fromEntries(conditions)).toEqual({ Both: true, IsProd: true, IsDev: false, Either: true });
  });

  it.each([
    [{ A: { 'Fn::Equals': [{ 'Fn::ImportValue': 'x' }, 'y'] } }, /Condition "A" compares .* which cannot be known offline/],
    [{ A: { Condition: 'A' } }, /Condition "A" depends on itself/],
    [{ A: { Condition: 'B' } }, /Condition "B" is used but not declared/],
  ])('fails clearly on %j', (declared, message) => {
    expect(() => evaluateConditions(declared, facts)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(message) }));
  });
});

describe('applyConditions', () => {
  it('picks each Fn::If branch and removes AWS::NoValue properties and list items', () => {
    const conditions = new Map([['IsProd', true]]);
    expect(
      applyConditions(
        { Size: { 'Fn::If': ['IsProd', 1024, 128] }, Debug: { 'Fn::If': ['IsProd', { Ref: 'AWS::NoValue' }, 'yes'] }, List: ['a', { Ref: 'AWS::NoValue' }], Keep: { Ref: 'X' } },
        conditions,
      ),
    ).toEqual({ Size: 1024, List: ['a'], Keep: { Ref: 'X' } });
  });
});
