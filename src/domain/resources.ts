/** Everything a saga creates for a tenant, as recorded in the saga state and the tenant map. */
export interface TenantResources {
  clusterName?: string;
  clusterArn?: string;
  taskDefinitionFamily?: string;
  taskDefinitionArn?: string;
  targetGroupName?: string;
  targetGroupArn?: string;
  listenerRuleArn?: string;
  listenerRulePriority?: number;
  serviceName?: string;
  serviceArn?: string;
}

/** `{Error, Cause}` as Step Functions hands a caught error to the next state. */
export interface CaughtError {
  Error: string;
  Cause: string;
}

/** Why a saga failed: the step that failed and what it raised. */
export interface SagaFailure {
  step: string;
  error: CaughtError;
}

/** Progress of the bounded readiness wait. */
export interface HealthProgress {
  attempts: number;
  healthy: boolean;
  detail: string;
}

/**
 * The JSON document passed from step to step, in the xstate engine and in Step Functions alike
 * (each Task returns the whole next state: `ResultPath: "$"`). Only plain JSON lives here.
 */
export interface SagaState {
  request: import('./request.ts').TenantRequest;
  /** Execution name (Step Functions) or run id (xstate); the dedupe key of the status event. */
  execution: string;
  resources: TenantResources;
  health?: HealthProgress;
  failure?: SagaFailure;
  /** Compensations that failed, by step name: the resources they name are left behind. */
  compensationErrors?: Record<string, CaughtError>;
  /** The outbound status event once sent (or found already sent). */
  statusEvent?: { source: string; detailType: string; detail: Record<string, unknown> };
}
