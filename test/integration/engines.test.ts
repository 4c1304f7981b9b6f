import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../src/local/runtime/index.ts';
import { tempDir } from '../support/temp-dirs.ts';

const sample = (path: string): unknown[] => {
  const parsed: unknown = JSON.parse(
    readFileSync(new URL(`../../events/samples/${path}`, import.meta.url), 'utf8'),
  );
  return Array.isArray(parsed) ? parsed : [parsed];
};

const EVENTS = [
  'onboarding-basic.json',
  'onboarding-advanced.json',
  'onboarding-premium.json',
  'deactivate-advanced.json',
  'activate-advanced.json',
  'offboarding-advanced.json',
  'edge/duplicate-onboarding.json',
  'edge/malformed-unknown-tier.json',
].flatMap(sample);

/** Generated ids (ARN suffixes, resource ids) differ from run to run: blank them out. */
const withoutIds = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value).replace(/[0-9a-f]{16,}/g, '<id>'));

const run = async (engine: 'asl' | 'xstate') => {
  const runtime = await createLocalRuntime({
    stateDir: tempDir(`tf-${engine}-`),
    engine,
    fast: true,
  });
  try {
    const results = await runtime.replay(EVENTS);
    return {
      outcomes: results.map((result) => [result.outcome, result.execution, result.error]),
      calls: runtime
        .calls()
        .map((call) => `${call.service}:${call.command}${call.error ? `!${call.error}` : ''}`),
      statusEvents: results.map((result) => withoutIds(result.statusEvent)),
    };
  } finally {
    await runtime.close();
  }
};

describe('the asl and xstate engines', () => {
  it('give the same outcomes, the same AWS calls and the same status events', async () => {
    // Prepare
    const engines = ['asl', 'xstate'] as const;

    // Act
    const [asl, xstate] = [await run(engines[0]), await run(engines[1])];

    // Assess
    expect(asl.outcomes.map(([outcome]) => outcome)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
      'duplicate',
      'rejected',
    ]);
    expect(xstate.outcomes).toEqual(asl.outcomes);
    expect(asl.calls.length).toBeGreaterThan(20);
    expect(xstate.calls).toEqual(asl.calls);
    expect(xstate.statusEvents).toEqual(asl.statusEvents);
  }, 120_000);
});

describe('an event field named after an Object.prototype key (issue 26)', () => {
  it.each(['asl', 'xstate'] as const)(
    'onboards on the %s engine, the field kept as an ordinary one',
    async (engine) => {
      // Prepare
      const [event] = sample('onboarding-advanced.json') as Array<{ detail: Record<string, unknown> }>;
      const hostile = JSON.parse(
        JSON.stringify({ ...event, detail: { ...event?.detail, plan: 'x' } }).replace(
          '"plan":',
          '"constructor":',
        ),
      );
      const runtime = await createLocalRuntime({
        stateDir: tempDir(`tf-proto-${engine}-`),
        engine,
        fast: true,
      });

      try {
        // Act
        const [result] = await runtime.replay([hostile]);

        // Assess
        expect([result?.outcome, result?.error]).toEqual(['succeeded', undefined]);
      } finally {
        await runtime.close();
      }
    },
  );
});
