import { buildStatusEvent, type OutboundEvent, parseLifecycleInput } from '../../events/index.ts';
import type { Operation } from '../domain/operations.ts';
import { OPERATION_TABLE } from '../domain/operations.ts';
import { failedStep, failureCause } from '../domain/reasons.ts';
import { resourceArns, type TenantResources } from '../domain/resources.ts';
import { operationsOf } from '../domain/saga.ts';
import type { SagaFailure, SagaState } from '../domain/saga-state.ts';
import { successTenantData, tenantConfigSettings, tenantRouting } from '../domain/tenant-config.ts';
import { sendOnce, settleUnsent } from './send-once.ts';
import { sharedInfrastructure } from './shard.ts';
import type { Step, StepContext, StepDeps } from './types.ts';

/**
 * The ledger owner of the saga's own sends. An execution's steps run one at a time, so a retried
 * notify step may always take over the claim of its crashed predecessor; a claim the watcher holds
 * right now makes the step retry later.
 */
const SAGA_OWNER = 'saga';

/**
 * What a failed operation left behind, for the control plane's record ("" when nothing): the ARN of
 * each resource still in the saga state after the compensations ran, in removal order.
 */
export const remainingResources = (resources: TenantResources): string => resourceArns(resources).join(', ');

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

/** A request started by hand without a registration answers nobody: SBT would fail the PATCH and retry it a day. */
const noRegistration = (state: SagaState, deps: StepDeps, ctx: StepContext, outcome: string): SagaState => {
  deps.log.info('the request names no registration: no status event is sent', {
    execution: ctx.execution,
    tenantId: state.request.tenantId,
    outcome,
  });
  return state;
};

/** NotifySuccess: the success event; an onboarding's carries the tenant's `tenantConfig`. */
export const notifySuccess: Step = async (state, deps, ctx) => {
  const { request, placement } = state;
  const registration = request.tenantRegistrationId;
  if (registration === undefined) return noRegistration(state, deps, ctx, 'success');
  let tenantData: Record<string, string> | undefined;
  if (OPERATION_TABLE[request.operation].tier !== 'informational' && placement) {
    const routing = tenantRouting(
      request.tenantId,
      placement,
      state.resources,
      await sharedInfrastructure(deps, { listenerArn: state.resources.listenerRule?.listenerArn }),
    );
    tenantData = successTenantData(
      request.operation,
      placement,
      routing,
      state.resources,
      tenantConfigSettings(deps.config),
    );
  }
  const event = buildStatusEvent({
    contract: deps.config.contract,
    operation: request.operation,
    outcome: 'success',
    tenantRegistrationId: registration,
    ...(tenantData ? { tenantData } : {}),
  });
  await sendOnce(deps, ctx.execution, SAGA_OWNER, event);
  return { ...state, statusEvent: event };
};

/**
 * NotifyFailure: the failure event, naming the failed step, its cause and what is left. A request
 * refused because its registration is answered for elsewhere (`RegistrationBusyError`) sends nothing:
 * the execution that works on that registration reports it, and a `failed` now would be wrong.
 */
export const notifyFailure: Step = async (state, deps, ctx) => {
  const registration = state.request.tenantRegistrationId;
  if (registration === undefined) return noRegistration(state, deps, ctx, 'failure');
  const { operation } = state.request;
  if (state.failure?.error.Error === 'RegistrationBusyError') {
    const why = failureCause(state.failure);
    deps.log.info('no status event: the registration is answered for by another execution', {
      execution: ctx.execution,
      registration,
      why,
    });
    await settleUnsent(
      deps,
      ctx.execution,
      SAGA_OWNER,
      deps.config.contract.outbound[operation].failure,
      why,
    );
    return state;
  }
  const event = failureEvent(deps, {
    operation,
    tenantRegistrationId: registration,
    failure: state.failure,
    resources: { ...state.leftovers?.resources, ...state.resources },
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
  const accepts = operationsOf(ctx.machine);
  const parsed = parseLifecycleInput(input, {
    contract: deps.config.contract,
    catalogue: deps.config.catalogue,
    accepts,
  });
  const found = parsed.ok ? parsed.request : parsed;
  const operation = found.operation ?? (accepts.length === 1 ? accepts[0] : undefined);
  if (found.tenantRegistrationId === undefined || operation === undefined) return state;
  const event = failureEvent(deps, { operation, tenantRegistrationId: found.tenantRegistrationId, failure });
  await sendOnce(deps, ctx.execution, SAGA_OWNER, event);
  return { ...state, statusEvent: event };
};
