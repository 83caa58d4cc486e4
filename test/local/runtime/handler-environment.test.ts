import { describe, expect, it } from 'vitest';
import { applyEnvironment, userEnvironmentValue } from '../../../local/runtime/handler-environment.ts';

describe('applyEnvironment', () => {
  it('sets defaults only where the user set nothing, and gives everything back on release', () => {
    process.env.WSGATE_T_USER = 'users';
    const release = applyEnvironment({ WSGATE_T_FN: 'fn' }, { WSGATE_T_USER: 'default', WSGATE_T_DEFAULT: 'default' });
    expect([process.env.WSGATE_T_USER, process.env.WSGATE_T_DEFAULT, process.env.WSGATE_T_FN]).toEqual(['users', 'default', 'fn']);
    release();
    release(); // idempotent
    expect([process.env.WSGATE_T_USER, process.env.WSGATE_T_DEFAULT, process.env.WSGATE_T_FN]).toEqual(['users', undefined, undefined]);
    delete process.env.WSGATE_T_USER;
  });

  it('stacks emulators side by side: the newest wins, stopping one in any order leaves the others', () => {
    const releaseA = applyEnvironment({ WSGATE_T_ONLY_A: 'a' }, { WSGATE_T_ENDPOINT: 'http://a' });
    // An emulator's own value is not the user's: the next one still sets its default.
    expect(userEnvironmentValue('WSGATE_T_ENDPOINT')).toBeUndefined();
    const releaseB = applyEnvironment({}, { WSGATE_T_ENDPOINT: 'http://b' });
    expect(process.env.WSGATE_T_ENDPOINT).toBe('http://b');
    releaseB();
    expect(process.env.WSGATE_T_ENDPOINT).toBe('http://a');
    const releaseC = applyEnvironment({}, { WSGATE_T_ENDPOINT: 'http://c' });
    releaseA();
    expect([process.env.WSGATE_T_ENDPOINT, process.env.WSGATE_T_ONLY_A]).toEqual(['http://c', undefined]);
    releaseC();
    expect(process.env.WSGATE_T_ENDPOINT).toBeUndefined();
  });
});
