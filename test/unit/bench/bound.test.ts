import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../../bench/bound.ts';

describe("the bench's lower bound", () => {
  it('counts a token for every call but the ones its service throttled, by that service’s own error name', () => {
    const created = Array.from({ length: 80 }, () => ({ service: 'cognito', command: 'AdminCreateUser' }));
    // Cognito throttles with TooManyRequestsException: those calls took no token.
    const throttled = Array.from({ length: 40 }, () => ({
      service: 'cognito',
      command: 'AdminCreateUser',
      error: 'TooManyRequestsException',
    }));
    const bound = lowerBound([...created, ...throttled]);
    expect(bound).toEqual({ seconds: (80 - 50) / 50, bucket: 'cognito:UserCreation', n: 80 });
  });

  it('counts a call that failed otherwise (a conflict) as having taken its token', () => {
    const calls = Array.from({ length: 22 }, () => ({
      service: 'ecs',
      command: 'RegisterTaskDefinition',
      error: 'ClientException',
    }));
    expect(lowerBound(calls)).toEqual({ seconds: 2, bucket: 'ecs:task-definition', n: 22 });
  });
});
