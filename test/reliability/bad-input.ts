/**
 * Bad input, property-based: whatever reaches the contract parser or the ingress ends as a clear
 * rejection naming a field (with one failure status event when a registration id and the operation
 * are known) or as a valid request whose ids are safe and whose AWS names are legal. Never a throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLifecycleInput } from '../../events/index.ts';
import { SAFE_ID_PATTERN } from '../../events/schemas.ts';
import { ingestEvent } from '../../src/app/ingest.ts';
import { ValidationError } from '../../src/domain/errors.ts';
import { tenantTags } from '../../src/domain/naming.ts';
import { OPERATION_TABLE, OPERATIONS, type Operation } from '../../src/domain/operations.ts';
import {
  FakeEventPublisher,
  FakeStatusLedger,
  FakeWorkflowStarter,
  testConfig,
} from '../support/fake-ports.ts';
import { lifecycleInput, safeId } from '../support/reliability/arbitraries.ts';
import { isExecutionName, tagProblems, tenantNameProblems } from '../support/reliability/aws-names.ts';
import { count } from '../support/reliability/counters.ts';
import { lifecycleEvent, openWorld } from '../support/reliability/world.ts';

const TARGET_GROUP = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** The AWS naming rule an inventory item's name breaks, if any. */
const inventoryNameProblem = (item: { type: string; id: string }): string | undefined => {
  const [first = '', second = ''] = item.id.split(item.type === 'service' ? '/' : ':');
  const ok =
    item.type === 'target-group'
      ? TARGET_GROUP.test(item.id)
      : item.type === 'cluster'
        ? ECS_NAME.test(item.id)
        : item.type === 'service'
          ? ECS_NAME.test(first) && ECS_NAME.test(second)
          : item.type === 'task-definition'
            ? ECS_NAME.test(first) && /^[1-9][0-9]*$/.test(second)
            : /^priority [1-9][0-9]*$/.test(item.id);
  return ok ? undefined : `${item.type} ${JSON.stringify(item.id)}`;
};

const config = testConfig();
const parseOptions = { contract: config.contract, catalogue: config.catalogue, accepts: OPERATIONS };
const CATALOGUE_TIERS = Object.keys(config.catalogue.tiers);

/**
 * Everything an accepted request's ids must satisfy before they may name a resource. An onboarding's
 * tier must be a catalogue tier (it becomes a tag); any other request's tier is only compared.
 */
const acceptedProblems = (
  operation: Operation,
  tenantId: string,
  tenantRegistrationId: string | undefined,
  tier: string | undefined,
): string[] => [
  ...(SAFE_ID_PATTERN.test(tenantId) ? [] : [`tenantId ${JSON.stringify(tenantId)}`]),
  ...(tenantRegistrationId === undefined || SAFE_ID_PATTERN.test(tenantRegistrationId)
    ? []
    : [`tenantRegistrationId ${JSON.stringify(tenantRegistrationId)}`]),
  ...tenantNameProblems(tenantId, config.resourcePrefix),
  ...(operation !== 'onboard'
    ? []
    : tier !== undefined && CATALOGUE_TIERS.includes(tier)
      ? tagProblems(tenantTags(tenantId, tier))
      : [`tier ${tier}`]),
];

export const describeBadInput = (): void => {
  describe('bad input (property-based)', () => {
    it('parseLifecycleInput never throws: a rejection names a field, an acceptance is safe to name resources with', () => {
      // Prepare
      const seen = { accepted: 0, rejected: 0 };

      // Act
      fc.assert(
        fc.property(lifecycleInput(), (raw) => {
          count('propertyRuns');
          const result = parseLifecycleInput(raw, parseOptions);

          // Assess
          if (result.ok) {
            seen.accepted += 1;
            const { operation, tenantId, tenantRegistrationId, tier } = result.request;
            expect(acceptedProblems(operation, tenantId, tenantRegistrationId, tier)).toEqual([]);
            expect(OPERATIONS).toContain(result.request.operation);
          } else {
            seen.rejected += 1;
            expect(result.error).toBeInstanceOf(ValidationError);
            expect(result.error.field).toMatch(/^[A-Za-z-]+(\.[A-Za-z0-9_-]+)*$/);
            expect(result.error.message.length).toBeLessThan(600);
            if (result.operation !== undefined) expect(OPERATIONS).toContain(result.operation);
          }
        }),
        { numRuns: 1500 },
      );

      // Assess
      // Both paths exercised. Over 300 seeds this arbitrary gave 454 ± 18 acceptances in 1500 runs
      // (min 405), so these floors sit more than 8 standard deviations below their means.
      expect(seen.accepted).toBeGreaterThan(300);
      expect(seen.rejected).toBeGreaterThan(800);
    });

    it('ingestEvent never throws: one failure event per rejected request that names a registration, a legal execution otherwise', async () => {
      // Prepare
      const seen = { started: 0, rejectedWithEvent: 0, rejectedSilently: 0 };

      // Act
      await fc.assert(
        fc.asyncProperty(lifecycleInput(), async (raw) => {
          count('propertyRuns');
          const starter = new FakeWorkflowStarter();
          const events = new FakeEventPublisher();
          const deps = {
            config,
            starter,
            events,
            ledger: new FakeStatusLedger(),
            now: () => new Date('2025-01-01T00:00:00Z'),
          };
          const first = await ingestEvent(raw, deps);
          const again = await ingestEvent(raw, deps);

          // Assess
          if (first.outcome === 'rejected') {
            expect(again).toEqual(first);
            expect(starter.callsOf('start')).toEqual([]);
            expect(first.error.field.length).toBeGreaterThan(0);
            const answerable = first.operation !== undefined && first.tenantRegistrationId !== undefined;
            expect(first.statusEvent !== undefined).toBe(answerable);
            if (first.operation !== undefined && first.tenantRegistrationId !== undefined) {
              seen.rejectedWithEvent += 1;
              expect(events.published).toHaveLength(1);
              expect(events.published[0]?.detailType).toBe(config.contract.outbound[first.operation].failure);
              expect(events.published[0]?.detail.tenantRegistrationId).toBe(first.tenantRegistrationId);
            } else {
              seen.rejectedSilently += 1;
              expect(events.published).toEqual([]);
            }
            return;
          }
          seen.started += 1;
          expect(first.outcome).toBe('started');
          expect(again.outcome).toBe('duplicate');
          expect(starter.callsOf('start').map(([machine, name]) => [machine, name])).toEqual([
            [OPERATION_TABLE[first.operation].machine, first.execution],
            [OPERATION_TABLE[first.operation].machine, first.execution],
          ]);
          expect(isExecutionName(first.execution)).toBe(true);
          expect(events.published).toEqual([]);
          const parsed = parseLifecycleInput(raw, parseOptions);
          const tier = parsed.ok ? parsed.request.tier : 'none';
          expect(acceptedProblems(first.operation, first.tenantId, first.tenantRegistrationId, tier)).toEqual(
            [],
          );
        }),
        { numRuns: 600 },
      );

      // Assess
      // Every path exercised. Over 300 seeds, 600 runs gave 182 ± 11 starts, 99 ± 9 answered
      // rejections and 320 ± 12 silent ones (minima 154, 75, 280): each floor sits at least 7
      // standard deviations below its mean.
      expect(seen.started).toBeGreaterThan(100);
      expect(seen.rejectedWithEvent).toBeGreaterThan(30);
      expect(seen.rejectedSilently).toBeGreaterThan(200);
    });

    it('weird but valid tenant ids provision resources whose names and tags AWS accepts; invalid ones provision nothing', async () => {
      // Prepare
      const valid = [
        ...new Set([
          ...fc.sample(safeId(), { numRuns: 5, seed: 5 }),
          'a',
          'x'.repeat(64),
          `Z${'-'.repeat(62)}9`,
          '0_-_-_-_',
          'UPPER-lower_123',
        ]),
      ];
      const invalid = ['-leading', 'has space', 'ü', 'x'.repeat(65), '../etc', '_under'];
      const world = await openWorld();
      const events = [
        ...valid.map((tenantId, i) => ({
          tenantId,
          event: lifecycleEvent('onboard', {
            tenantId,
            tenantRegistrationId: `reg-${i}`,
            tier: i % 2 ? 'premium' : 'advanced',
          }),
        })),
        ...invalid.map((tenantId, i) => ({
          tenantId,
          event: lifecycleEvent('onboard', { tenantId, tenantRegistrationId: `bad-${i}`, tier: 'advanced' }),
        })),
      ];
      count('scenarios');
      count('badInputs', events.length);
      try {
        // Act
        const results = await world.send(events.map((e) => e.event));
        const inventory = world.runtime.inventory().filter((item) => item.tier !== 'shared');
        const report = await world.check();

        // Assess
        expect(
          results.map((r) => `${r.tenantId}: ${r.outcome}${r.outcome === 'failed' ? ` ${r.error}` : ''}`),
        ).toEqual([...valid.map((id) => `${id}: succeeded`), ...invalid.map((id) => `${id}: rejected`)]);
        expect(inventory.map(inventoryNameProblem).filter(Boolean)).toEqual([]);
        expect(new Set(inventory.map((item) => item.tenantId))).toEqual(new Set(valid));
        expect(inventory.filter((item) => !CATALOGUE_TIERS.includes(item.tier ?? ''))).toEqual([]);
        expect(report.fresh).toEqual([]);
      } finally {
        await world.close();
      }
    });
  });
};
