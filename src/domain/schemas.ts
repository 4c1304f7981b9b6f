/**
 * Identifiers that may end up in resource names, execution names and DynamoDB keys: rejected
 * outright when they do not fit, never rewritten. UUIDs fit.
 */
export const SAFE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
