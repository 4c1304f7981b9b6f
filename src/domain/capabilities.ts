/**
 * What a placement can do, as tests on the placement alone: free of the schema library and of the
 * catalogue (the resource kinds, which the CLI's smallest commands load through the step vocabulary,
 * depend on these). Typed structurally, so they narrow the catalogue's `Placement` union.
 */

/** The tenant owns an ECS service (and with it a task definition, a target group and a listener rule). */
export const ownsService = <P extends { service: string }>(
  placement: P | undefined,
): placement is Extract<P, { service: 'own' }> => placement?.service === 'own';

/** The desired count of a tenant's own service: its placement's when the tenant is active, else 0. */
export const desiredCountOf = (placement: { desiredCount: number }, active: boolean): number =>
  active ? placement.desiredCount : 0;

/** The tenant owns an ECS cluster. */
export const hasDedicatedCluster = (placement: { cluster: string } | undefined): boolean =>
  placement?.cluster === 'dedicated';

/** The tenant has DynamoDB tables of its own. */
export const ownsTables = (
  placement: { service: string; tables?: readonly unknown[] } | undefined,
): boolean => placement?.service === 'own' && (placement.tables?.length ?? 0) > 0;

/** The tenant signs in to a Cognito user pool of its own. */
export const ownsUserPool = (placement: { service: string; identity?: string } | undefined): boolean =>
  placement?.service === 'own' && placement.identity === 'own-pool';
