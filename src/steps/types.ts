import type { TenantFlowConfig } from '../config.ts';
import type { MachineId } from '../domain/saga.ts';
import type { SagaState } from '../domain/saga-state.ts';
import type { AlarmWatch } from '../ports/alarms.ts';
import type { ContainerPlatform } from '../ports/container-platform.ts';
import type { EventPublisher } from '../ports/event-publisher.ts';
import type { IdentityProvider } from '../ports/identity-provider.ts';
import type { LoadBalancer } from '../ports/load-balancer.ts';
import type { Log } from '../ports/log.ts';
import type { SharedInfrastructureLookup } from '../ports/shared-infrastructure.ts';
import type { TableStore } from '../ports/table-store.ts';
import type { PriorityRegistry, ShardRegistry, StatusLedger, TenantMap } from '../ports/tenant-map.ts';
import type { Workflows } from '../ports/workflow.ts';

/** Everything a step may touch: the configuration, the ports, a clock and a log. */
export interface StepDeps {
  config: TenantFlowConfig;
  ecs: ContainerPlatform;
  elb: LoadBalancer;
  /** Cognito: the user pools of tenants whose placement has one. */
  identity: IdentityProvider;
  /** DynamoDB's control plane, for the tenants' own tables. */
  tables: TableStore;
  tenants: TenantMap;
  priorities: PriorityRegistry;
  /** The load balancer shards the orchestrator added (the shard machine). */
  shardRegistry: ShardRegistry;
  ledger: StatusLedger;
  events: EventPublisher;
  infra: SharedInfrastructureLookup;
  log: Log;
  now: () => Date;
  /** Step Functions: the rollout's steps start and read their tenants' update executions. */
  workflows: Workflows;
  /** CloudWatch: the alarm a rollout watches during its bakes. */
  alarms: AlarmWatch;
}

/** Which saga runs the step, and under which execution (the lock owner and the status-event dedupe key). */
export interface StepContext {
  machine: MachineId;
  execution: string;
}

/** One saga step: the next saga state from the current one. Idempotent by contract. */
export type Step = (state: SagaState, deps: StepDeps, ctx: StepContext) => Promise<SagaState>;
