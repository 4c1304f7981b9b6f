import { RetryableError } from '../domain/errors.ts';
import type { EventPublisher, OutboundEvent } from '../ports/event-publisher.ts';
import type { StatusLedger } from '../ports/tenant-map.ts';

/** What sending a status event once needs. */
export interface SendOnceDeps {
  ledger: StatusLedger;
  events: EventPublisher;
  now: () => Date;
}

/**
 * Claims the right to send the status event of `key` for `owner`. `'sent'`: it already went out.
 * Another owner holding a live claim (sending right now, or died less than a lease ago) is a
 * `RetryableError`: the caller comes back later, when the claim is settled or can be taken over.
 */
export const claimStatusEvent = async (
  deps: SendOnceDeps,
  key: string,
  owner: string,
  detailType: string,
): Promise<'claimed' | 'sent'> => {
  const claim = await deps.ledger.claim(key, detailType, deps.now().toISOString(), owner);
  if (claim === 'busy')
    throw new RetryableError(`the status event of ${key} is being sent by another sender`);
  return claim;
};

/** Publishes under a claim this owner holds; a failed send gives the claim back so a retry may send. */
export const publishClaimed = async (
  deps: SendOnceDeps,
  key: string,
  owner: string,
  event: OutboundEvent,
): Promise<void> => {
  try {
    await deps.events.publish(event);
  } catch (error) {
    // The publish error is what the caller must see; a failed give-back only delays the retry's claim.
    await deps.ledger.abandon(key, owner).catch(() => undefined);
    throw error;
  }
  await deps.ledger.markSent(key, deps.now().toISOString());
};

/**
 * Settles `key` without sending: the request is answered by another execution (see
 * `RegistrationBusyError`), so whoever comes later (a retry, the watcher) finds it settled.
 */
export const settleUnsent = async (
  deps: SendOnceDeps,
  key: string,
  owner: string,
  detailType: string,
  why: string,
): Promise<'settled' | 'already-sent'> => {
  if ((await claimStatusEvent(deps, key, owner, detailType)) === 'sent') return 'already-sent';
  await deps.ledger.markSent(key, deps.now().toISOString(), why);
  return 'settled';
};

/** Sends `event` at most once for `key` (see {@link claimStatusEvent} and {@link publishClaimed}). */
export const sendOnce = async (
  deps: SendOnceDeps,
  key: string,
  owner: string,
  event: OutboundEvent,
): Promise<'sent' | 'already-sent'> => {
  if ((await claimStatusEvent(deps, key, owner, event.detailType)) === 'sent') return 'already-sent';
  await publishClaimed(deps, key, owner, event);
  return 'sent';
};
