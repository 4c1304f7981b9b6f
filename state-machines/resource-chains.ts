/**
 * The states that create and remove a tenant's resources, built from the resource kinds
 * (`RESOURCE_KIND_SPECS`, in removal order) so that no model writes the order by hand: one kind
 * more is one state more in every chain, in its place.
 */
import { CREATION_ORDER, RESOURCE_KIND_SPECS, type ResourceKind } from '../src/domain/resource-kinds.ts';
import { choice, compensate, forward } from './builders.ts';

type States = Record<
  string,
  ReturnType<typeof forward> | ReturnType<typeof compensate> | ReturnType<typeof choice>
>;

const createStep = (kind: ResourceKind) => RESOURCE_KIND_SPECS[kind].createStep;
const removeStep = (kind: ResourceKind) => RESOURCE_KIND_SPECS[kind].removeStep;

/** The kinds of `kinds`, in creation order. */
const inCreationOrder = (kinds: readonly ResourceKind[]): ResourceKind[] =>
  CREATION_ORDER.filter((kind) => kinds.includes(kind));

/** The kinds of `kinds`, in removal order. */
const inRemovalOrder = (kinds: readonly ResourceKind[]): ResourceKind[] => inCreationOrder(kinds).reverse();

/**
 * Where a placement enters the creation chain: for each capability, the first kind (in creation
 * order) that needs it; a placement with none of them goes on to `otherwise`. Capabilities nest
 * (a dedicated cluster implies an own service), so a placement entering at a kind owns every kind
 * after it; test/unit/state-machines/resource-chains.test.ts holds the catalogue's placements to it.
 */
export const placeChoice = (kinds: readonly ResourceKind[], otherwise: string) => {
  const entries = new Map<(typeof RESOURCE_KIND_SPECS)[ResourceKind]['needs'], string>();
  for (const kind of inCreationOrder(kinds)) {
    const { needs } = RESOURCE_KIND_SPECS[kind];
    if (!entries.has(needs)) entries.set(needs, createStep(kind));
  }
  return choice([...entries], otherwise);
};

export interface CreationChainOptions {
  /** The state after the last creation. */
  exit: string;
  /** Where a kind's failed creation goes (by default its own removal: it may have been made). */
  onError?: (kind: ResourceKind) => string;
  /**
   * States entered after a kind's creation instead of the next one, placed right after it (the
   * first is entered; they go on to the next creation themselves, see {@link nextCreation}).
   */
  after?: Partial<Record<ResourceKind, States>>;
}

/** The forward states creating `kinds`, in creation order. */
export const creationChain = (kinds: readonly ResourceKind[], options: CreationChainOptions): States => {
  const ordered = inCreationOrder(kinds);
  const onError = options.onError ?? removeStep;
  return Object.fromEntries(
    ordered.flatMap((kind, i) => {
      const following = ordered[i + 1];
      const inserted = Object.entries(options.after?.[kind] ?? {});
      const next = inserted[0]?.[0] ?? (following ? createStep(following) : options.exit);
      return [[createStep(kind), forward(createStep(kind), next, onError(kind))], ...inserted];
    }),
  );
};

/** The name of the first state of the creation chain after `kind` (for a state inserted after it). */
export const nextCreation = (kinds: readonly ResourceKind[], kind: ResourceKind, then: string): string => {
  const ordered = inCreationOrder(kinds);
  const following = ordered[ordered.indexOf(kind) + 1];
  return following ? createStep(following) : then;
};

/** The first removal state of `kinds` (removal order). */
export const firstRemoval = (kinds: readonly ResourceKind[], otherwise: string): string => {
  const first = inRemovalOrder(kinds)[0];
  return first ? removeStep(first) : otherwise;
};

/** The compensation states removing `kinds` in removal order, each going on whatever happens. */
export const compensationChain = (kinds: readonly ResourceKind[], then: string): States => {
  const ordered = inRemovalOrder(kinds);
  return Object.fromEntries(
    ordered.map((kind, i) => {
      const following = ordered[i + 1];
      return [removeStep(kind), compensate(removeStep(kind), following ? removeStep(following) : then)];
    }),
  );
};

/** The forward states removing `kinds` in removal order, each failing into `onError`. */
export const removalChain = (kinds: readonly ResourceKind[], then: string, onError: string): States => {
  const ordered = inRemovalOrder(kinds);
  return Object.fromEntries(
    ordered.map((kind, i) => {
      const following = ordered[i + 1];
      return [removeStep(kind), forward(removeStep(kind), following ? removeStep(following) : then, onError)];
    }),
  );
};
