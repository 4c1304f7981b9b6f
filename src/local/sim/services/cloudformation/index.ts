import { CloudFormationClient, CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import type { SimContext } from '../../context.ts';
import { definePlugin, type SimResource } from '../../plugin.ts';
import { describeStacks } from './stacks.ts';

const resources = (ctx: SimContext): SimResource[] =>
  ctx.state.stacks.map((stack) => ({
    service: 'cloudformation',
    type: 'stack',
    id: stack.name,
    arn: stack.id,
    tier: 'shared',
    status: 'CREATE_COMPLETE',
    tags: [],
  }));

/** The stacks the seed made: tenantflow only reads their outputs. */
export const CLOUDFORMATION = definePlugin({
  name: 'cloudformation',
  client: CloudFormationClient,
  exception: CloudFormationServiceException,
  throttlingName: 'ThrottlingException',
  handlers: { DescribeStacks: describeStacks },
  resources,
});
