import { ECSClient, ECSServiceException } from '@aws-sdk/client-ecs';
import type { SimContext } from '../../context.ts';
import { owner } from '../../inventory.ts';
import { type BucketSpec, definePlugin, type SimResource } from '../../plugin.ts';
import { createCluster, deleteCluster, describeClusters, listClusters } from './clusters.ts';
import { serviceStatus } from './service-runtime.ts';
import { createService, deleteService, describeServices, updateService } from './services.ts';
import {
  deleteTaskDefinitions,
  deregisterTaskDefinition,
  describeTaskDefinition,
  listTaskDefinitions,
  registerTaskDefinition,
} from './task-definitions.ts';

/** ECS's API rate quotas (../shared/aws-limits.md): cluster and task-definition calls are the tight ones. */
const buckets = (command: string): BucketSpec[] => {
  if (command === 'CreateCluster' || command === 'DeleteCluster') {
    return [{ key: 'ecs:cluster', burst: 20, perSecond: 1 }];
  }
  if (
    command === 'RegisterTaskDefinition' ||
    command === 'DeregisterTaskDefinition' ||
    command === 'DeleteTaskDefinitions'
  ) {
    return [{ key: 'ecs:task-definition', burst: 20, perSecond: 1 }];
  }
  if (command === 'CreateService' || command === 'DeleteService' || command === 'UpdateService') {
    return [{ key: `ecs:${command}`, burst: 50, perSecond: 5 }];
  }
  if (command === 'DescribeServices') return [{ key: 'ecs:DescribeServices', burst: 100, perSecond: 20 }];
  return [];
};

/**
 * Clusters, services and task definitions. INACTIVE clusters and services hold nothing and are left
 * out of the inventory, but the tag index goes on listing them; task definitions submitted for
 * deletion are gone from both. INACTIVE (deregistered) revisions stay: ECS keeps them until deleted.
 */
const resources = (ctx: SimContext): SimResource[] => {
  const s = ctx.state;
  return [
    ...s.clusters.map((c) => ({
      service: 'ecs',
      type: 'cluster',
      id: c.name,
      arn: c.arn,
      ...owner(c.tags, c.shared),
      status: c.status,
      tags: c.tags,
      taggingType: 'ecs:cluster',
      ...(c.status === 'INACTIVE' ? { deleted: true } : {}),
    })),
    ...s.services.map((svc) => {
      const status = serviceStatus(svc, ctx.now);
      return {
        service: 'ecs',
        type: 'service',
        id: `${svc.clusterName}/${svc.name}`,
        arn: svc.arn,
        ...owner(svc.tags, svc.shared),
        status,
        tags: svc.tags,
        taggingType: 'ecs:service',
        ...(status === 'INACTIVE' ? { deleted: true } : {}),
      };
    }),
    ...s.taskDefinitions
      .filter((td) => td.status !== 'DELETE_IN_PROGRESS')
      .map((td) => ({
        service: 'ecs',
        type: 'task-definition',
        id: `${td.family}:${td.revision}`,
        arn: td.arn,
        ...owner(td.tags, td.shared),
        status: td.status,
        tags: td.tags,
        taggingType: 'ecs:task-definition',
      })),
  ];
};

export const ECS = definePlugin({
  name: 'ecs',
  client: ECSClient,
  exception: ECSServiceException,
  throttlingName: 'ThrottlingException',
  handlers: {
    CreateCluster: createCluster,
    DescribeClusters: describeClusters,
    ListClusters: listClusters,
    DeleteCluster: deleteCluster,
    RegisterTaskDefinition: registerTaskDefinition,
    DescribeTaskDefinition: describeTaskDefinition,
    ListTaskDefinitions: listTaskDefinitions,
    DeregisterTaskDefinition: deregisterTaskDefinition,
    DeleteTaskDefinitions: deleteTaskDefinitions,
    CreateService: createService,
    DescribeServices: describeServices,
    UpdateService: updateService,
    DeleteService: deleteService,
  },
  buckets,
  resources,
});
