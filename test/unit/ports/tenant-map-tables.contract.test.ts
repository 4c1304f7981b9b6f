import { describe, expect, it } from 'vitest';
import { priorityRegistries, statusLedgers, uniqueId } from './implementations.ts';

const AT = '2025-03-01T10:00:00.000Z';

describe.each(priorityRegistries)('PriorityRegistry contract: $name', ({ make }) => {
  it('claims a free priority, keeps it for its holder and refuses it to anyone else', async () => {
    // Prepare
    const registry = await make();
    const listener = uniqueId('listener');

    // Act
    const first = await registry.claim(listener, 12, 'acme');
    const again = await registry.claim(listener, 12, 'acme');
    const other = await registry.claim(listener, 12, 'globex');
    await registry.claim(listener, 3, 'globex');

    // Assess
    expect([first, again, other]).toEqual([true, true, false]);
    expect(await registry.list(listener)).toEqual([
      { priority: 3, tenantId: 'globex' },
      { priority: 12, tenantId: 'acme' },
    ]);
  });

  it('frees a priority only for its holder', async () => {
    const registry = await make();
    const listener = uniqueId('listener');
    await registry.claim(listener, 5, 'acme');
    await registry.release(listener, 5, 'globex');
    expect(await registry.list(listener)).toEqual([{ priority: 5, tenantId: 'acme' }]);
    await registry.release(listener, 5, 'acme');
    await registry.release(listener, 5, 'acme');
    expect(await registry.list(listener)).toEqual([]);
  });

  it('keeps listeners apart', async () => {
    const registry = await make();
    const [a, b] = [uniqueId('a'), uniqueId('b')];
    await registry.claim(a, 1, 'acme');
    expect(await registry.claim(b, 1, 'globex')).toBe(true);
    expect(await registry.list(a)).toEqual([{ priority: 1, tenantId: 'acme' }]);
  });
});

describe.each(statusLedgers)('StatusLedger contract: $name', ({ make }) => {
  it("claims for one owner: the same owner again may send, another is told it's busy", async () => {
    const ledger = await make();
    const key = uniqueId('exec');
    expect(await ledger.claim(key, 'sbt_aws_provisionSuccess', AT, 'saga')).toBe('claimed');
    expect(await ledger.claim(key, 'sbt_aws_provisionSuccess', AT, 'saga')).toBe('claimed');
    expect(await ledger.claim(key, 'sbt_aws_provisionFailure', AT, 'watcher')).toBe('busy');
  });

  it('answers sent to everyone once the event went out (or was settled without one)', async () => {
    const ledger = await make();
    const [sent, settled] = [uniqueId('exec'), uniqueId('exec')];
    await ledger.claim(sent, 'x', AT, 'saga');
    await ledger.markSent(sent, AT);
    await ledger.claim(settled, 'x', AT, 'saga');
    await ledger.markSent(settled, AT, 'answered by another execution');
    for (const key of [sent, settled]) {
      expect(await ledger.claim(key, 'x', AT, 'saga')).toBe('sent');
      expect(await ledger.claim(key, 'x', AT, 'watcher')).toBe('sent');
    }
  });

  it('gives a claim back only for its owner, and never an event that went out', async () => {
    const ledger = await make();
    const key = uniqueId('exec');
    await ledger.claim(key, 'x', AT, 'saga');
    await ledger.abandon(key, 'watcher');
    expect(await ledger.claim(key, 'x', AT, 'watcher')).toBe('busy');
    await ledger.abandon(key, 'saga');
    expect(await ledger.claim(key, 'x', AT, 'watcher')).toBe('claimed');
    await ledger.markSent(key, AT);
    await ledger.abandon(key, 'watcher');
    expect(await ledger.claim(key, 'x', AT, 'saga')).toBe('sent');
  });

  it('tells the first delivery that started an execution from a redelivery', async () => {
    const ledger = await make();
    const name = uniqueId('onboard');
    expect(await ledger.recordStart(name, AT)).toBe('first');
    expect(await ledger.recordStart(name, AT)).toBe('again');
    expect(await ledger.recordStart(uniqueId('onboard'), AT)).toBe('first');
  });
});
