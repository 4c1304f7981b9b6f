/** The reference tiers of the ECS SaaS architecture. */
export const TIERS = ['basic', 'advanced', 'premium'] as const;
export type Tier = (typeof TIERS)[number];

/** True when `value` names a tier exactly (already lower-cased). */
export const isTier = (value: string): value is Tier => (TIERS as readonly string[]).includes(value);

/** Which tiers own per-tenant ECS/ELB resources, and which own a cluster. */
export const tierOwnsService = (tier: Tier): boolean => tier !== 'basic';
export const tierOwnsCluster = (tier: Tier): boolean => tier === 'premium';
