/** Where a tenant stands. `DELETED` is the tombstone left by offboarding. */
export const TENANT_STATUSES = [
  'PROVISIONING',
  'ACTIVE',
  'INACTIVE',
  'ACTIVATING',
  'DEACTIVATING',
  'DEPROVISIONING',
  'FAILED',
  'DELETED',
] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];
