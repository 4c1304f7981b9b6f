import { createHash } from 'node:crypto';
import type { SimTag } from './base-state.ts';
import type { SimResource } from './inventory.ts';
import type { SimState, SliceName } from './state.ts';

export type ItemOf<S extends SliceName> = SimState[S][number];

/** The changes a simulated call may make to the state's lists. */
export interface StateWriter {
  add<S extends SliceName>(slice: S, item: ItemOf<S>): ItemOf<S>;
  touch<S extends SliceName>(slice: S, item: ItemOf<S>): ItemOf<S>;
  remove<S extends SliceName>(slice: S, drop: (item: ItemOf<S>) => boolean): ItemOf<S>[];
}

/** How fast simulated resources settle, in milliseconds. */
export interface SimTiming {
  serviceStartMs: number;
  healthyAfterMs: number;
  drainMs: number;
  /**
   * Milliseconds of the clock per second of AWS's time, when health and draining follow the target
   * groups' own settings: a target turns healthy `healthyThreshold × interval` after its task runs, a
   * deleted service drains for its groups' deregistration delay. Absent: the fixed times above.
   */
  modelledSecondMs?: number;
}

/** How long after its task runs a target of `group` turns healthy. */
export const healthyAfter = (
  timing: SimTiming,
  group: { healthyThresholdCount: number; healthCheckIntervalSeconds: number },
): number =>
  timing.modelledSecondMs === undefined
    ? timing.healthyAfterMs
    : group.healthyThresholdCount * group.healthCheckIntervalSeconds * timing.modelledSecondMs;

/** How long a deleted service attached to `groups` drains (no group: the fixed drain). */
export const drainFor = (
  timing: SimTiming,
  groups: ReadonlyArray<{ deregistrationDelaySeconds: number }>,
): number =>
  timing.modelledSecondMs === undefined || groups.length === 0
    ? timing.drainMs
    : Math.max(...groups.map((group) => group.deregistrationDelaySeconds)) * timing.modelledSecondMs;

/** What every simulated command sees: the state to read and change, and the instant of the call. */
export interface SimContext {
  state: SimState;
  /**
   * How a changing call changes the state's lists (src/local/sim/journal.ts): never push to, filter
   * into or change an item of `state` directly. A read-only call's writer refuses every change.
   */
  write: StateWriter;
  now: number;
  region: string;
  accountId: string;
  timing: SimTiming;
  /** Every resource each simulated service holds (the inventory, plus what the tag index still lists). */
  resources(): SimResource[];
}

/** `$metadata` of a simulated client error (the SDK fills it from the HTTP response); fresh per error. */
export const errorMetadata = (): { httpStatusCode: number } => ({ httpStatusCode: 400 });

/** A deterministic hex id of `length` characters: the next value of the state's counter, hashed. */
export const nextHex = (ctx: SimContext, length = 16): string => {
  ctx.state.seq += 1;
  return createHash('sha256').update(`tenantflow-sim:${ctx.state.seq}`).digest('hex').slice(0, length);
};

/** A deterministic UUID-shaped id. */
export const nextUuid = (ctx: SimContext): string => {
  const h = nextHex(ctx, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** `arn:aws:<service>:<region>:<account>:<resource>`. */
export const arn = (ctx: SimContext, service: string, resource: string): string =>
  `arn:aws:${service}:${ctx.region}:${ctx.accountId}:${resource}`;

/** The last `/`-separated part of an ECS ARN, or the value itself when it is a plain name. */
export const nameFromArn = (value: string, marker: string): string => {
  if (!value.startsWith('arn:')) return value;
  const index = value.indexOf(`:${marker}/`);
  return index < 0 ? value : value.slice(index + marker.length + 2);
};

/** ECS tag lists (`key`/`value`), normalised. */
export const ecsTags = (tags: ReadonlyArray<{ key?: string; value?: string }> | undefined): SimTag[] =>
  (tags ?? []).map((t) => ({ key: t.key ?? '', value: t.value ?? '' }));

/** ELBv2 tag lists (`Key`/`Value`), normalised. */
export const elbTags = (tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): SimTag[] =>
  (tags ?? []).map((t) => ({ key: t.Key ?? '', value: t.Value ?? '' }));

/** Opaque pagination token for an offset. */
export const encodeToken = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64');

/** The offset a token names; `undefined` when the token is not one of ours. */
export const decodeToken = (token: string | undefined): number | undefined => {
  if (token === undefined) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
};
