/**
 * AWS naming rules, checked independently of the code that builds the names (the limits of
 * ../shared/aws-limits.md), so a test can say which name broke which rule.
 */
import { type ResourceNames, resourceNames, type Tag } from '../../../src/domain/naming.ts';

const TARGET_GROUP = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** ECS and ELBv2 tag values: up to 256 characters of letters, digits, spaces and `+ - = . _ : / @`. */
const TAG_VALUE = /^[\p{L}\p{N}\s+\-=._:/@]{0,256}$/u;
const TAG_KEY = /^[\p{L}\p{N}\s+\-=._:/@]{1,128}$/u;

/** Every rule a tenant's resource names break; empty when all are valid. */
export const nameProblems = (names: ResourceNames): string[] => {
  const problems: string[] = [];
  if (!TARGET_GROUP.test(names.targetGroupName))
    problems.push(`target group name ${JSON.stringify(names.targetGroupName)}`);
  for (const key of ['clusterName', 'serviceName', 'taskDefinitionFamily', 'containerName'] as const) {
    if (!ECS_NAME.test(names[key])) problems.push(`${key} ${JSON.stringify(names[key])}`);
  }
  return problems;
};

/** Every rule the resource names derived from `tenantId` break. */
export const tenantNameProblems = (tenantId: string, prefix?: string): string[] =>
  nameProblems(resourceNames(tenantId, prefix));

/** True when `name` is a legal Step Functions execution name. */
export const isExecutionName = (name: string): boolean => EXECUTION_NAME.test(name);

/** Every tag whose key or value AWS would refuse. */
export const tagProblems = (tags: readonly Tag[]): string[] =>
  tags
    .filter((tag) => !TAG_KEY.test(tag.key) || !TAG_VALUE.test(tag.value))
    .map((tag) => `${tag.key}=${JSON.stringify(tag.value)}`);
