import {
  ClientException,
  Compatibility,
  type DeleteTaskDefinitionsCommandOutput,
  type DeregisterTaskDefinitionCommandOutput,
  type DescribeTaskDefinitionCommandOutput,
  type ListTaskDefinitionsCommandOutput,
  NetworkMode,
  type RegisterTaskDefinitionCommandOutput,
  SortOrder,
  type TaskDefinition,
  TaskDefinitionStatus,
} from '@aws-sdk/client-ecs';
import { z } from 'zod';
import {
  arn,
  decodeToken,
  ecsTags,
  encodeToken,
  errorMetadata,
  nameFromArn,
  type SimContext,
} from '../../context.ts';
import type { Out } from '../../plugin.ts';
import { parseEcs, tagSchema } from './clusters.ts';
import { containerSchema, type TaskDefinitionRecord } from './state.ts';

const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;

const clientError = (message: string): ClientException =>
  new ClientException({ message, $metadata: errorMetadata() });

/** A task definition as DescribeTaskDefinition shows it. */
export const taskDefinitionView = (td: TaskDefinitionRecord): TaskDefinition => ({
  taskDefinitionArn: td.arn,
  family: td.family,
  revision: td.revision,
  status: td.status,
  containerDefinitions: td.containerDefinitions.map((c) => structuredClone(c)),
  networkMode: td.networkMode,
  requiresCompatibilities: [...td.requiresCompatibilities],
  compatibilities: ['EC2', 'FARGATE'],
  cpu: td.cpu,
  memory: td.memory,
  executionRoleArn: td.executionRoleArn,
  taskRoleArn: td.taskRoleArn,
  registeredAt: new Date(td.registeredAt),
  ...(td.deregisteredAt === undefined ? {} : { deregisteredAt: new Date(td.deregisteredAt) }),
});

/**
 * The revision `ref` names: `family` (newest ACTIVE), `family:revision`, or an ARN.
 * `undefined` when there is none.
 */
export const findTaskDefinition = (ctx: SimContext, ref: string): TaskDefinitionRecord | undefined => {
  const name = nameFromArn(ref, 'task-definition');
  const [family, revision] = name.split(':');
  const ofFamily = ctx.state.taskDefinitions.filter((td) => td.family === family);
  if (revision !== undefined) return ofFamily.find((td) => String(td.revision) === revision);
  return ofFamily.filter((td) => td.status === 'ACTIVE').sort((a, b) => b.revision - a.revision)[0];
};

const registerInput = z.object({
  family: z.string(),
  containerDefinitions: z.array(containerSchema),
  cpu: z.string().optional(),
  memory: z.string().optional(),
  networkMode: z.enum(NetworkMode).optional(),
  requiresCompatibilities: z.array(z.enum(Compatibility)).optional(),
  executionRoleArn: z.string().optional(),
  taskRoleArn: z.string().optional(),
  tags: tagSchema,
});

/** Registers the next revision of a family; `shared` marks the seeded infrastructure. */
export const putTaskDefinition = (ctx: SimContext, raw: unknown, shared = false): TaskDefinitionRecord => {
  const input = parseEcs(registerInput, raw);
  if (!FAMILY.test(input.family)) {
    throw clientError('Family contains invalid characters or is longer than 255 characters.');
  }
  if (input.containerDefinitions.length === 0) throw clientError('Container list cannot be empty.');
  const revision =
    ctx.state.taskDefinitions
      .filter((td) => td.family === input.family)
      .reduce((m, td) => Math.max(m, td.revision), 0) + 1;
  const record: TaskDefinitionRecord = {
    arn: arn(ctx, 'ecs', `task-definition/${input.family}:${revision}`),
    family: input.family,
    revision,
    status: 'ACTIVE',
    registeredAt: ctx.now,
    tags: ecsTags(input.tags),
    cpu: input.cpu,
    memory: input.memory,
    networkMode: input.networkMode,
    requiresCompatibilities: input.requiresCompatibilities ?? [],
    executionRoleArn: input.executionRoleArn,
    taskRoleArn: input.taskRoleArn,
    containerDefinitions: input.containerDefinitions,
    shared,
  };
  ctx.write.add('taskDefinitions', record);
  return record;
};

export const registerTaskDefinition = (
  ctx: SimContext,
  input: unknown,
): Out<RegisterTaskDefinitionCommandOutput> => {
  const record = putTaskDefinition(ctx, input);
  return { taskDefinition: taskDefinitionView(record), tags: record.tags.map((t) => ({ ...t })) };
};

const describeInput = z.object({ taskDefinition: z.string(), include: z.array(z.string()).optional() });

export const describeTaskDefinition = (
  ctx: SimContext,
  input: unknown,
): Out<DescribeTaskDefinitionCommandOutput> => {
  const { taskDefinition, include = [] } = parseEcs(describeInput, input);
  const record = findTaskDefinition(ctx, taskDefinition);
  if (!record) throw clientError('Unable to describe task definition.');
  return {
    taskDefinition: taskDefinitionView(record),
    ...(include.includes('TAGS') ? { tags: record.tags.map((t) => ({ ...t })) } : {}),
  };
};

const listInput = z.object({
  familyPrefix: z.string().optional(),
  status: z.enum(TaskDefinitionStatus).optional(),
  sort: z.enum(SortOrder).optional(),
  nextToken: z.string().optional(),
  maxResults: z.number().int().min(1).max(100).optional(),
});

/** ECS matches `familyPrefix` against the whole family name, despite the parameter's name. */
export const listTaskDefinitions = (
  ctx: SimContext,
  input: unknown,
): Out<ListTaskDefinitionsCommandOutput> => {
  const {
    familyPrefix,
    status = 'ACTIVE',
    sort = 'ASC',
    nextToken,
    maxResults = 100,
  } = parseEcs(listInput, input);
  const start = decodeToken(nextToken);
  if (start === undefined) throw clientError('Invalid nextToken.');
  const arns = ctx.state.taskDefinitions
    .filter((td) => td.status === status && (familyPrefix === undefined || td.family === familyPrefix))
    .sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision)
    .map((td) => td.arn);
  if (sort === 'DESC') arns.reverse();
  const page = arns.slice(start, start + maxResults);
  const end = start + page.length;
  return { taskDefinitionArns: page, ...(end < arns.length ? { nextToken: encodeToken(end) } : {}) };
};

const deregisterInput = z.object({ taskDefinition: z.string() });

export const deregisterTaskDefinition = (
  ctx: SimContext,
  input: unknown,
): Out<DeregisterTaskDefinitionCommandOutput> => {
  const ref = parseEcs(deregisterInput, input).taskDefinition;
  if (!nameFromArn(ref, 'task-definition').includes(':')) {
    throw clientError('The specified task definition must include a revision.');
  }
  const record = findTaskDefinition(ctx, ref);
  if (!record) throw clientError('The specified task definition does not exist.');
  if (record.status !== 'ACTIVE') throw clientError('The specified task definition is already inactive.');
  ctx.write.touch('taskDefinitions', record);
  record.status = 'INACTIVE';
  record.deregisteredAt = ctx.now;
  return { taskDefinition: taskDefinitionView(record) };
};

const deleteInput = z.object({ taskDefinitions: z.array(z.string()).min(1).max(10) });

/**
 * Submits INACTIVE revisions for deletion: each turns DELETE_IN_PROGRESS and is no longer listed;
 * anything else is a failure entry (ECS answers per revision, not with an error).
 */
export const deleteTaskDefinitions = (
  ctx: SimContext,
  input: unknown,
): Out<DeleteTaskDefinitionsCommandOutput> => {
  const refs = parseEcs(deleteInput, input).taskDefinitions;
  const deleted: TaskDefinition[] = [];
  const failures: { arn: string; reason: string; detail: string }[] = [];
  for (const ref of refs) {
    const record = nameFromArn(ref, 'task-definition').includes(':')
      ? findTaskDefinition(ctx, ref)
      : undefined;
    if (!record) {
      failures.push({
        arn: ref,
        reason: 'TASK_DEFINITION_NOT_FOUND',
        detail: 'The task definition was not found.',
      });
    } else if (record.status === 'ACTIVE') {
      failures.push({
        arn: record.arn,
        reason: 'TASK_DEFINITION_ACTIVE',
        detail: 'The task definition must be INACTIVE (deregistered) before it can be deleted.',
      });
    } else {
      ctx.write.touch('taskDefinitions', record).status = 'DELETE_IN_PROGRESS';
      deleted.push(taskDefinitionView(record));
    }
  }
  return { taskDefinitions: deleted, failures };
};
