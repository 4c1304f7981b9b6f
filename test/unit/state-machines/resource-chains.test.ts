import { describe, expect, it } from 'vitest';
import { type Placement, placementOf } from '../../../src/domain/catalogue.ts';
import {
  type Capability,
  CREATION_ORDER,
  hasCapability,
  kindOfArn,
  kindsToCreate,
  PLACEMENT_KINDS,
  RESOURCE_KIND_SPECS,
  RESOURCE_KINDS,
  type ResourceKind,
} from '../../../src/domain/resources.ts';
import { STEPS } from '../../../src/steps/index.ts';
import { creationSteps, RESOURCE_OPERATIONS } from '../../../src/steps/resource-operations.ts';
import { MACHINES } from '../../../state-machines/index.ts';
import {
  compensationChain,
  creationChain,
  placeChoice,
  removalChain,
} from '../../../state-machines/resource-chains.ts';
import { testConfig } from '../../support/fake-ports.ts';

const removeOf = (kind: ResourceKind) => RESOURCE_KIND_SPECS[kind].removeStep;
const createOf = (kind: ResourceKind) => RESOURCE_KIND_SPECS[kind].createStep;

type StateConfig = {
  invoke?: { onDone: { target: string }; onError: { target: string } };
  always?: Array<{ guard?: string; target: string }>;
};
const statesOf = (id: keyof typeof MACHINES) =>
  MACHINES[id].config.states as unknown as Record<string, StateConfig>;

/** The states `from` reaches through `onDone` alone, until one not in `names`. */
const followDone = (states: Record<string, StateConfig>, from: string, names: readonly string[]) => {
  const seen: string[] = [];
  let at: string | undefined = from;
  while (at && names.includes(at)) {
    seen.push(at);
    at = states[at]?.invoke?.onDone.target;
  }
  return { seen, exit: at };
};

describe('resource kinds as data', () => {
  const catalogue = testConfig().catalogue;
  const placements: Placement[] = Object.keys(catalogue.tiers).map((tier) =>
    placementOf(catalogue, tier, '/health'),
  );

  it('each kind names steps of the vocabulary, bound to the operations of its own record', () => {
    // Prepare
    const kinds = Object.keys(RESOURCE_OPERATIONS).sort();

    // Act
    const bound = RESOURCE_KINDS.map((kind) => [
      STEPS[createOf(kind)] === RESOURCE_OPERATIONS[kind].create,
      STEPS[removeOf(kind)] === RESOURCE_OPERATIONS[kind].remove,
    ]);

    // Assess
    expect(kinds).toEqual([...RESOURCE_KINDS].sort());
    expect(bound.flat().every(Boolean)).toBe(true);
  });

  it('creation is removal reversed; a migration builds only the placement kinds (not the routing rule, the user pool or the tables)', () => {
    expect(CREATION_ORDER).toEqual([...RESOURCE_KINDS].reverse());
    expect(PLACEMENT_KINDS).toEqual(
      RESOURCE_KINDS.filter((kind) => kind !== 'listenerRule' && kind !== 'identity' && kind !== 'tables'),
    );
  });

  it("every catalogue placement owns the suffix of the creation order from the place choice's entry", () => {
    // Prepare
    const choice = placeChoice(RESOURCE_KINDS, 'Otherwise').always;

    for (const placement of placements) {
      // Act: the first branch whose capability the placement has
      const entry = choice.find((branch) =>
        'guard' in branch ? hasCapability(placement, branch.guard as Capability) : true,
      );
      const owned = kindsToCreate(placement);

      // Assess
      if (owned.length === 0) expect(entry?.target).toBe('Otherwise');
      else {
        // The entry: the first kind whose capability the placement has.
        const first = CREATION_ORDER.find((kind) =>
          hasCapability(placement, RESOURCE_KIND_SPECS[kind].needs as Capability),
        ) as ResourceKind;
        expect(entry?.target).toBe(createOf(first));
        // The chain runs the whole suffix: a kind in it the placement does not own is one the
        // capability alone does not decide (its steps find nothing to do and return at once).
        const suffix = CREATION_ORDER.slice(CREATION_ORDER.indexOf(first));
        expect(owned.every((kind) => suffix.includes(kind))).toBe(true);
        const skipped = suffix.filter((kind) => !owned.includes(kind));
        expect(skipped.every((kind) => 'only' in RESOURCE_KIND_SPECS[kind])).toBe(true);
      }
      expect(creationSteps({ placement }).map(([kind]) => kind)).toEqual(owned);
    }
  });

  it('onboarding creates every kind in creation order, each failing into its own removal, and undoes in removal order', () => {
    // Prepare
    const states = statesOf('onboarding');
    const creates = RESOURCE_KINDS.map(createOf);
    const removes = RESOURCE_KINDS.map(removeOf);

    // Act
    const forward = followDone(states, createOf(CREATION_ORDER[0] as ResourceKind), creates);
    const back = followDone(states, removeOf(RESOURCE_KINDS[0] as ResourceKind), removes);

    // Assess
    expect(forward).toEqual({ seen: CREATION_ORDER.map(createOf), exit: 'WaitForHealthy' });
    for (const kind of RESOURCE_KINDS)
      expect(states[createOf(kind)]?.invoke?.onError.target).toBe(removeOf(kind));
    expect(back).toEqual({ seen: removes, exit: 'MarkFailed' });
    expect(states.WaitForHealthy?.invoke?.onError.target).toBe(removeOf(RESOURCE_KINDS[0] as ResourceKind));
  });

  it('offboarding removes every kind in removal order after the lock', () => {
    // Prepare
    const states = statesOf('offboarding');

    // Act
    const holds = states.HoldsLock?.always?.[0]?.target as string;
    const chain = followDone(states, holds, RESOURCE_KINDS.map(removeOf));

    // Assess
    expect(chain).toEqual({ seen: RESOURCE_KINDS.map(removeOf), exit: 'RemoveTenant' });
  });

  it('migration builds the placement kinds in creation order with the attachment after the target group', () => {
    // Prepare
    const states = statesOf('migration');
    const names = [...PLACEMENT_KINDS.map(createOf), 'AttachTargetGroup'];

    // Act
    const chain = followDone(states, createOf(CREATION_ORDER[0] as ResourceKind), names);

    // Assess
    expect(chain).toEqual({
      seen: [
        'CreateCluster',
        'RegisterTaskDefinition',
        'CreateTargetGroup',
        'AttachTargetGroup',
        'CreateCompanions',
        'CreateService',
      ],
      exit: 'WaitForHealthy',
    });
  });

  it('the chain builders follow the kinds they are given, whatever their order', () => {
    // Prepare
    const kinds: ResourceKind[] = ['cluster', 'service'];

    // Act
    const created = Object.keys(creationChain(kinds, { exit: 'Next' }));
    const compensated = Object.keys(compensationChain(kinds, 'Next'));
    const removed = Object.keys(removalChain(kinds, 'Next', 'Failed'));

    // Assess
    expect(created).toEqual(['CreateCluster', 'CreateService']);
    expect(compensated).toEqual(['DeleteService', 'DeleteCluster']);
    expect(removed).toEqual(['DeleteService', 'DeleteCluster']);
  });

  it('an ARN is told by its service and resource type, and nothing else is a kind', () => {
    expect(
      [
        'arn:aws:ecs:us-east-1:1:service/c/s',
        'arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/a/1/2/3',
        'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/a/1',
        'arn:aws:ecs:us-east-1:1:task/c/1',
      ].map(kindOfArn),
    ).toEqual(['service', 'listenerRule', undefined, undefined]);
  });
});
