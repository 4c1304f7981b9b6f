/** Where a tenant stands. `DELETED` is the tombstone left by offboarding. */
export const TENANT_STATUSES = [
  'PROVISIONING',
  'ACTIVE',
  'INACTIVE',
  'ACTIVATING',
  'DEACTIVATING',
  'DEPROVISIONING',
  /** Moving to another placement (tier migration): still served by the old one until the switch. */
  'MIGRATING',
  /** Taking a new release (fleet update): served by the running revision until the new one is healthy. */
  'UPDATING',
  'FAILED',
  'DELETED',
] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];
