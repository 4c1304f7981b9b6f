import {
  CloudFormationServiceException,
  type DescribeStacksCommandOutput,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { z } from 'zod';
import { errorMetadata, type SimContext } from '../../context.ts';
import type { Out } from '../../plugin.ts';
import type { StackRecord } from './state.ts';

/** CloudFormation reports a stack that does not exist as a `ValidationError`, which has no class. */
const validationError = (message: string) =>
  new CloudFormationServiceException({
    name: 'ValidationError',
    $fault: 'client',
    $metadata: errorMetadata(),
    message,
  });

const stackView = (s: StackRecord): Stack => ({
  StackId: s.id,
  StackName: s.name,
  CreationTime: new Date(s.createdAt),
  StackStatus: 'CREATE_COMPLETE',
  Description: 'tenantflow shared infrastructure (simulated)',
  Outputs: s.outputs.map((o) => ({ OutputKey: o.key, OutputValue: o.value })),
});

const input = z.object({ StackName: z.string().optional() });

export const describeStacks = (ctx: SimContext, raw: unknown): Out<DescribeStacksCommandOutput> => {
  const parsed = input.safeParse(raw);
  if (!parsed.success) throw validationError('Invalid DescribeStacks request');
  const { StackName } = parsed.data;
  if (StackName === undefined) return { Stacks: ctx.state.stacks.map(stackView) };
  const found = ctx.state.stacks.find((s) => s.name === StackName || s.id === StackName);
  if (!found) throw validationError(`Stack with id ${StackName} does not exist`);
  return { Stacks: [stackView(found)] };
};
