import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { FatalError, RetryableError, ThrottledError } from '../../domain/errors.ts';
import type { StepName } from '../../domain/saga.ts';
import type { ExceptionOptions } from '../sim/plugin.ts';
import { pluginOf, type SimService } from '../sim/registry.ts';
import type { FaultKind, FaultSpec } from './fault-spec.ts';

/** The AWS services a local run talks to: the simulated ones, and DynamoDB (dynalite). */
export type LocalService = SimService | 'dynamodb';

/** How `service` fails: a simulated service as its plug-in says, DynamoDB (dynalite) as DynamoDB does. */
const failureOf = (
  service: LocalService,
): { exception: new (options: ExceptionOptions) => Error; throttlingName: string } =>
  service === 'dynamodb'
    ? { exception: DynamoDBServiceException, throttlingName: 'ThrottlingException' }
    : pluginOf(service);

/** The SDK exception an AWS call would raise for `kind`, so the adapters' own translation runs. */
export const sdkFault = (service: LocalService, kind: Exclude<FaultKind, 'crash'>, step: StepName): Error => {
  const message = `injected ${kind} fault in ${step}`;
  const { exception, throttlingName } = failureOf(service);
  const shape: Record<typeof kind, Pick<ExceptionOptions, 'name' | '$fault'>> = {
    transient: { name: 'ServiceUnavailable', $fault: 'server' },
    throttle: { name: throttlingName, $fault: 'client' },
    fatal: { name: 'AccessDeniedException', $fault: 'client' },
  };
  return new exception({ ...shape[kind], $metadata: {}, message });
};

/** What a Lambda runtime reports when the function's process dies mid-invocation. */
export const crashError = (step: StepName): Error => {
  const error = new Error(`injected crash in ${step}: the handler process exited`);
  error.name = 'Runtime.ExitError';
  return error;
};

/** The fault of a step with no AWS call: the step's own error classes stand in for the SDK's. */
const stepFault = (kind: Exclude<FaultKind, 'crash'>, step: StepName): Error => {
  const message = `injected ${kind} fault in ${step}`;
  if (kind === 'transient') return new RetryableError(message);
  if (kind === 'throttle') return new ThrottledError(message);
  return new FatalError(message);
};

/** One run of a step, with the AWS calls it made (`service:Command`), in order. */
export interface StepCalls {
  step: StepName;
  execution: string;
  calls: string[];
}

interface ActiveStep {
  step: StepName;
  fault: FaultSpec | undefined;
  calls: number;
  made: string[] | undefined;
  fired: boolean;
  crash: () => void;
}

/**
 * Runs steps under a fault plan. `beforeCall` is called before each AWS call (the simulator's hook,
 * the DynamoDB client's middleware) and `afterCall` after it returned; a step runs through `runStep`.
 * Only calls a step makes are touched: the running step travels with its own async context, so the
 * ingress, the watcher or another execution's step calling AWS meanwhile never draws its fault.
 */
export class FaultInjector {
  readonly #left: FaultSpec[];
  readonly #step = new AsyncLocalStorage<ActiveStep>();
  readonly #hung = new Set<(error: Error) => void>();
  readonly #onStep: ((run: StepCalls) => void) | undefined;

  /** `onStep`: told of every step run with the AWS calls it made (for tests that plan faults by call). */
  constructor(specs: readonly FaultSpec[] = [], onStep?: (run: StepCalls) => void) {
    this.#left = specs.map((spec) => ({ ...spec }));
    this.#onStep = onStep;
  }

  /** Faults not yet used up. */
  remaining(): FaultSpec[] {
    return this.#left.filter((spec) => spec.count > 0).map((spec) => ({ ...spec }));
  }

  /**
   * Throws the armed fault on the step's AWS call it names (the first by default; not for crash: that
   * call goes through).
   */
  beforeCall(service: LocalService, command = ''): void {
    const active = this.#step.getStore();
    if (!active) return;
    active.calls += 1;
    active.made?.push(`${service}:${command}`);
    const fault = active.fault;
    if (!fault || active.fired || active.calls !== (fault.call ?? 1) || fault.kind === 'crash') return;
    this.#fire(active);
    throw sdkFault(service, fault.kind, active.step);
  }

  /** True when the handler must die now: a crash was armed and the call it names just completed. */
  afterCall(): boolean {
    const active = this.#step.getStore();
    const fault = active?.fault;
    if (!active || !fault || active.fired || fault.kind !== 'crash' || active.calls < (fault.call ?? 1))
      return false;
    this.#fire(active);
    active.crash();
    return true;
  }

  /**
   * Where a crashed handler's call stands: never answered while the run goes on, as in a dead
   * process. `release` settles these once the run is over, so the dead handler's own timers (middy's
   * Lambda-timeout timer, say) end with it instead of keeping this process alive.
   */
  hang(): Promise<never> {
    return new Promise<never>((_, reject) => {
      this.#hung.add(reject);
    });
  }

  /** Ends every call `hang` left pending (the dead handlers unwind; nothing they do is observed). */
  release(): void {
    for (const reject of this.#hung) reject(new Error('the process that made this call died'));
    this.#hung.clear();
  }

  /**
   * Runs one step of `execution`; the armed fault (if any) fires during it, or at its end when it made
   * no AWS call.
   */
  async runStep<T>(step: StepName, body: () => Promise<T>, execution = ''): Promise<T> {
    const fault = this.#left.find(
      (spec) =>
        spec.step === step &&
        spec.count > 0 &&
        (spec.execution === undefined || execution.includes(spec.execution)),
    );
    let crash = (): void => {};
    const crashed = new Promise<never>((_, reject) => {
      crash = () => reject(crashError(step));
    });
    // A crash abandons the step where it stands: its promise is left pending, as a dead process would.
    crashed.catch(() => {});
    const active: ActiveStep = {
      step,
      fault,
      calls: 0,
      made: this.#onStep ? [] : undefined,
      fired: false,
      crash,
    };
    try {
      const result = await Promise.race([this.#step.run(active, body), crashed]);
      if (fault && !active.fired) {
        this.#fire(active);
        throw fault.kind === 'crash' ? crashError(step) : stepFault(fault.kind, step);
      }
      return result;
    } finally {
      if (active.made) this.#onStep?.({ step, execution, calls: active.made });
    }
  }

  #fire(active: ActiveStep): void {
    active.fired = true;
    if (active.fault) active.fault.count -= 1;
  }
}
