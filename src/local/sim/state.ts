import { z } from 'zod';
import { networkSchema, type SlicesState } from './base-state.ts';
import { CLOUDFORMATION_SLICES } from './services/cloudformation/state.ts';
import { CLOUDWATCH_SLICES } from './services/cloudwatch/state.ts';
import { COGNITO_SLICES } from './services/cognito/state.ts';
import { DYNAMODB_SLICES } from './services/dynamodb/state.ts';
import { ECS_SLICES } from './services/ecs/state.ts';
import { ELBV2_SLICES } from './services/elbv2/state.ts';
import { EVENTBRIDGE_SLICES } from './services/eventbridge/state.ts';

/*
 * The simulated cloud's whole state: plain JSON (times are epoch milliseconds), so it can be
 * written to a file and read back by the next CLI run. Progress over time (tasks starting,
 * targets turning healthy, services draining) is stored as the instants it happens, never as a
 * status that would need a timer to advance.
 *
 * Each simulated service keeps its own lists (its slices, in `services/<name>/state.ts`); they are
 * registered here, once, and everything that handles the state as a whole (the write log, the state
 * file, an empty cloud) derives from this list.
 */

/** Every service's lists, by name. A new simulated service adds its slices here. */
export const SLICES = {
  ...ECS_SLICES,
  ...ELBV2_SLICES,
  ...CLOUDFORMATION_SLICES,
  ...EVENTBRIDGE_SLICES,
  ...CLOUDWATCH_SLICES,
  ...COGNITO_SLICES,
  ...DYNAMODB_SLICES,
};

export type SliceName = keyof typeof SLICES;
export const SLICE_NAMES = Object.keys(SLICES) as SliceName[];

const core = {
  version: z.literal(1),
  /** Monotonic counter behind every generated id: the same calls give the same ids. */
  seq: z.number(),
  network: networkSchema.optional(),
};

/**
 * Schema of the persisted state file. A list a state file does not have (written before its service
 * was simulated) reads as empty.
 */
export type SimState = z.output<z.ZodObject<typeof core>> & SlicesState<typeof SLICES>;

export const simStateSchema = z.object({
  ...core,
  ...Object.fromEntries(SLICE_NAMES.map((name) => [name, z.array(SLICES[name].item).default([])])),
}) as unknown as z.ZodType<SimState>;

/** A cloud with nothing in it. */
export const emptyState = (): SimState =>
  ({ version: 1, seq: 0, ...Object.fromEntries(SLICE_NAMES.map((name) => [name, []])) }) as SimState;

export type { SimTag } from './base-state.ts';
export type { StackRecord } from './services/cloudformation/state.ts';
export type { AlarmRecord } from './services/cloudwatch/state.ts';
export type { UserPoolRecord } from './services/cognito/state.ts';
export type { ClusterRecord, ServiceRecord, TaskDefinitionRecord, TaskRecord } from './services/ecs/state.ts';
export type {
  ListenerRecord,
  LoadBalancerRecord,
  RuleAction,
  RuleConditionRecord,
  RuleRecord,
  TargetGroupRecord,
} from './services/elbv2/state.ts';
export type { EventRecord } from './services/eventbridge/state.ts';
