import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';

/** Options of {@link lifecycleContext}. */
export interface LifecycleContextOptions {
  logger: Logger;
  /** Picks the correlation keys (tenantId, tenantRegistrationId, execution, step) out of an event. */
  keys?: (event: unknown) => Record<string, string | undefined>;
}

const pick = (value: unknown, ...path: string[]): string | undefined => {
  let here: unknown = value;
  for (const key of path) {
    if (typeof here !== 'object' || here === null || !(key in here)) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return typeof here === 'string' ? here : undefined;
};

/** Finds the correlation keys in an SBT event, a step payload or a saga state, whichever it is. */
export const defaultKeys = (event: unknown): Record<string, string | undefined> => ({
  tenantId:
    pick(event, 'detail', 'tenantId') ??
    pick(event, 'state', 'request', 'tenantId') ??
    pick(event, 'tenantId'),
  tenantRegistrationId:
    pick(event, 'detail', 'tenantRegistrationId') ??
    pick(event, 'state', 'request', 'tenantRegistrationId') ??
    pick(event, 'tenantRegistrationId'),
  execution: pick(event, 'execution') ?? pick(event, 'detail', 'name'),
  step: pick(event, 'step'),
  eventId: pick(event, 'id'),
});

/**
 * middy middleware: every log line of one invocation carries the lifecycle's correlation keys, and
 * none leaks into the next invocation of a warm container.
 */
export const lifecycleContext = (options: LifecycleContextOptions): MiddlewareObj => {
  const keysOf = options.keys ?? defaultKeys;
  const clear = (): void => options.logger.resetKeys();
  return {
    before: (request) => {
      const keys = Object.fromEntries(
        Object.entries(keysOf(request.event)).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        ),
      );
      options.logger.appendKeys(keys);
    },
    after: clear,
    onError: clear,
  };
};
