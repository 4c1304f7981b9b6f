import { describe, expect, it } from 'vitest';
import { ecsNamesOfArn, typeOfArn } from '../../../src/ports/resource-discovery.ts';

const ECS = 'arn:aws:ecs:us-east-1:111122223333';
const ELB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333';

describe('ARNs of discovered resources', () => {
  it('tells the five kinds tenantflow makes apart, and nothing else', () => {
    expect(
      [
        `${ECS}:cluster/tf-acme`,
        `${ECS}:service/tenantflow-shared/tf-acme`,
        `${ECS}:task-definition/tf-acme:3`,
        `${ELB}:targetgroup/tf-acme/0123`,
        `${ELB}:listener-rule/app/alb/1/2/3`,
        `${ELB}:loadbalancer/app/alb/1`,
      ].map(typeOfArn),
    ).toEqual(['cluster', 'service', 'task-definition', 'target-group', 'listener-rule', undefined]);
  });

  it('reads the cluster (and the service name) an ECS ARN carries', () => {
    expect(ecsNamesOfArn(`${ECS}:service/tenantflow-shared/tf-acme`)).toEqual({
      cluster: 'tenantflow-shared',
      name: 'tf-acme',
    });
    expect(ecsNamesOfArn(`${ECS}:cluster/tf-acme`)).toEqual({ cluster: 'tf-acme', name: 'tf-acme' });
  });
});
