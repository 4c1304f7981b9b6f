/**
 * What a placement can do, as tests on the placement alone (no schema library: the resource kinds,
 * which the CLI's smallest commands load through the step vocabulary, depend on these).
 */
import type { OwnServicePlacement, Placement } from './catalogue.ts';

/** The tenant owns an ECS service (and with it a task definition, a target group and a listener rule). */
export const ownsService = (placement: Placement | undefined): placement is OwnServicePlacement =>
  placement?.service === 'own';

/** The desired count of a tenant's own service: its placement's when the tenant is active, else 0. */
export const desiredCountOf = (placement: OwnServicePlacement, active: boolean): number =>
  active ? placement.desiredCount : 0;

/** The tenant owns an ECS cluster. */
export const hasDedicatedCluster = (placement: Placement | undefined): boolean =>
  placement?.cluster === 'dedicated';
