/**
 * The metrics the handlers emit (Powertools, namespace `tenantflow`, default dimension
 * `service=tenantflow`) that alarms and the dashboard read: named once, here.
 */
export const METRIC_NAMESPACE = 'tenantflow';
export const METRIC_SERVICE = 'tenantflow';

export const METRICS = {
  /** A lifecycle request answered with success (dimensions tier, operation). */
  lifecycleSucceeded: 'LifecycleSucceeded',
  /** A lifecycle request answered with failure (dimensions tier, operation). */
  lifecycleFailed: 'LifecycleFailed',
  /** Every step invocation (no extra dimension). */
  stepInvocations: 'StepInvocations',
  /** Step invocations that failed throttled (no extra dimension). */
  stepThrottled: 'StepThrottled',
  /** Tenants locked past their saga's time bound, as the audit counted them (no extra dimension). */
  staleLocks: 'TenantsLockedPastBound',
  /** Drift reconciliation found (dimension kind). */
  driftFound: 'DriftFound',
  /** Drift reconciliation repaired (dimension kind). */
  driftRepaired: 'DriftRepaired',
} as const;
