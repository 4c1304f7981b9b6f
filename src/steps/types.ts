import type { TenantFlowConfig } from '../config.ts';
import type { SagaState } from '../domain/resources.ts';
import type { ContainerPlatform } from '../ports/container-platform.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { LoadBalancer } from '../ports/load-balancer.ts';
import type { SharedInfrastructureLookup } from '../ports/shared-infrastructure.ts';
import type { PriorityRegistry, StatusLedger, TenantMap } from '../ports/tenant-map.ts';
import type { MachineId } from '../saga-contract.ts';

/** Everything a step may touch: the configuration, the ports and a clock. */
export interface StepDeps {
  config: TenantFlowConfig;
  ecs: ContainerPlatform;
  elb: LoadBalancer;
  tenants: TenantMap;
  priorities: PriorityRegistry;
  ledger: StatusLedger;
  events: EventPublisher;
  infra: SharedInfrastructureLookup;
  now: () => Date;
}

/** Which saga runs the step, and under which execution (the lock owner and the status-event dedupe key). */
export interface StepContext {
  machine: MachineId;
  execution: string;
}

/** One saga step: the next saga state from the current one. Idempotent by contract. */
export type Step = (state: SagaState, deps: StepDeps, ctx: StepContext) => Promise<SagaState>;
