import { buildStatusEvent, parseLifecycleInput } from '../../events/index.ts';
import type { Operation } from '../domain/request.ts';
import type { SagaFailure, TenantResources } from '../domain/resources.ts';
import type { OutboundEvent } from '../ports/event-publisher.ts';
import { failedStep, failureCause } from './reasons.ts';
import { sendOnce } from './send-once.ts';
import { tenantConfig } from './tenant-config.ts';
import type { Step, StepContext, StepDeps } from './types.ts';
import { ACCEPTED_OPERATIONS } from './validate.ts';

/**
 * The ledger owner of the saga's own sends. An execution's steps run one at a time, so a retried
 * notify step may always take over the claim of its crashed predecessor; a claim the watcher holds
 * right now makes the step retry later.
 */
const SAGA_OWNER = 'saga';

/**
 * What a failed operation left behind, for the control plane's record ("" when nothing): the ARNs
 * (or names) still in the saga state after the compensations ran.
 */
export const remainingResources = (resources: TenantResources): string =>
  [
    resources.serviceArn ?? resources.serviceName,
    resources.listenerRuleArn,
    resources.targetGroupArn ?? resources.targetGroupName,
    resources.taskDefinitionArn ?? resources.taskDefinitionFamily,
    resources.clusterArn ?? resources.clusterName,
  ]
    .filter((value): value is string => Boolean(value))
    .join(', ');

const failureEvent = (
  deps: StepDeps,
  input: {
    operation: Operation;
    tenantRegistrationId: string;
    failure: SagaFailure | undefined;
    resources?: TenantResources;
  },
): OutboundEvent => {
  const remaining = input.resources ? remainingResources(input.resources) : '';
  return buildStatusEvent({
    contract: deps.config.contract,
    operation: input.operation,
    outcome: 'failure',
    tenantRegistrationId: input.tenantRegistrationId,
    ...(remaining ? { registrationData: { remainingResources: remaining } } : {}),
    // The event renders `<step>: <cause>`, so the cause goes without the step.
    failure: { step: failedStep(input.failure), reason: failureCause(input.failure) },
  });
};

/** NotifySuccess: the success event; an onboarding's carries the tenant's `tenantConfig`. */
export const notifySuccess: Step = async (state, deps, ctx) => {
  const { request } = state;
  const tenantData =
    request.operation === 'onboard'
      ? { tenantConfig: tenantConfig(request, state.resources, await deps.infra.get(), deps.config) }
      : undefined;
  const event = buildStatusEvent({
    contract: deps.config.contract,
    operation: request.operation,
    outcome: 'success',
    tenantRegistrationId: request.tenantRegistrationId,
    ...(tenantData ? { tenantData } : {}),
  });
  await sendOnce(deps, ctx.execution, SAGA_OWNER, event);
  return { ...state, statusEvent: event };
};

/** NotifyFailure: the failure event, naming the failed step, its cause and what is left. */
export const notifyFailure: Step = async (state, deps, ctx) => {
  const event = failureEvent(deps, {
    operation: state.request.operation,
    tenantRegistrationId: state.request.tenantRegistrationId,
    failure: state.failure,
    resources: state.resources,
  });
  await sendOnce(deps, ctx.execution, SAGA_OWNER, event);
  return { ...state, statusEvent: event };
};

/** A failure-path state whose request never validated: the raw execution input plus `failure`. */
export interface UnvalidatedState {
  [key: string]: unknown;
  failure?: SagaFailure;
  statusEvent?: OutboundEvent;
}

/**
 * NotifyFailure when ValidateRequest itself failed: the input is read again for whatever identifies
 * the registration. Without a registration id (or an operation) there is no one to tell.
 */
export const notifyUnvalidatedFailure = async (
  state: UnvalidatedState,
  deps: StepDeps,
  ctx: StepContext,
): Promise<UnvalidatedState> => {
  const { failure, compensationErrors: _errors, statusEvent: _sent, ...input } = state;
  const accepts = ACCEPTED_OPERATIONS[ctx.machine];
  const parsed = parseLifecycleInput(input, {
    contract: deps.config.contract,
    defaultTier: deps.config.defaultTier,
    accepts,
  });
  const found = parsed.ok ? parsed.request : parsed;
  const operation = found.operation ?? (accepts.length === 1 ? accepts[0] : undefined);
  if (found.tenantRegistrationId === undefined || operation === undefined) return state;
  const event = failureEvent(deps, { operation, tenantRegistrationId: found.tenantRegistrationId, failure });
  await sendOnce(deps, ctx.execution, SAGA_OWNER, event);
  return { ...state, statusEvent: event };
};
