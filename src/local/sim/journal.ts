import { isDeepStrictEqual } from 'node:util';
import type { ItemOf, StateWriter } from './context.ts';
import { type SimState, SLICES, type SliceName } from './state.ts';

/*
 * The simulated cloud's write log. A changing call runs on the live state and tells the journal what
 * it adds, changes and removes (`add`, `touch` before changing an item in place, `remove`), so that:
 * - a call that fails is undone from the journal alone (a failed call changes nothing), and
 * - a call that succeeds is written through as the items it touched (one line of the state file's
 *   log), not as the whole state;
 * both at a cost proportional to what the call touched, whatever the size of the fleet.
 */

export type { SliceName } from './state.ts';

const keyOf = (slice: SliceName, item: object): string =>
  String((item as Record<string, unknown>)[SLICES[slice].key]);

/**
 * One committed call as the log stores it: the items it left (whole, by key), the keys it removed,
 * and the scalars as they are after it.
 */
export interface JournalEntry {
  put?: Partial<Record<SliceName, object[]>>;
  del?: Partial<Record<SliceName, string[]>>;
  seq: number;
  network?: SimState['network'];
}

const refuse = (): never => {
  throw new Error('simulated AWS: a read-only call tried to change the state');
};

/** The writer of a read-only call: any change is a bug in the simulator. */
export const READ_ONLY: StateWriter = { add: refuse, touch: refuse, remove: refuse };

/** What one changing call did to the state, and how to take it back. */
export class Journal implements StateWriter {
  readonly #state: SimState;
  readonly #undo: Array<() => void> = [];
  readonly #touched = new Map<SliceName, Set<object>>();
  readonly #removed = new Map<SliceName, Set<string>>();
  readonly #seq: number;
  readonly #network: SimState['network'];

  constructor(state: SimState) {
    this.#state = state;
    this.#seq = state.seq;
    this.#network = state.network;
  }

  /** Appends `item` to `slice`. */
  add<S extends SliceName>(slice: S, item: ItemOf<S>): ItemOf<S> {
    const list = this.#state[slice] as object[];
    list.push(item);
    this.#undo.push(() => {
      const at = list.lastIndexOf(item);
      if (at >= 0) list.splice(at, 1);
    });
    this.#mark(slice, item);
    return item;
  }

  /** Call before changing `item` of `slice` in place: it is written through, and restored on failure. */
  touch<S extends SliceName>(slice: S, item: ItemOf<S>): ItemOf<S> {
    const seen = this.#touched.get(slice);
    if (seen?.has(item)) return item;
    const before = structuredClone(item);
    this.#undo.push(() => {
      const target = item as Record<string, unknown>;
      for (const key of Object.keys(target)) delete target[key];
      Object.assign(target, before);
    });
    this.#mark(slice, item);
    return item;
  }

  /** Removes the items of `slice` that `drop` selects (one pass); returns them. */
  remove<S extends SliceName>(slice: S, drop: (item: ItemOf<S>) => boolean): ItemOf<S>[] {
    const list = this.#state[slice] as ItemOf<S>[];
    const gone = list.filter(drop);
    if (gone.length === 0) return gone;
    const kept = list.filter((item) => !drop(item));
    (this.#state as Record<SliceName, unknown>)[slice] = kept;
    this.#undo.push(() => {
      (this.#state as Record<SliceName, unknown>)[slice] = list;
    });
    const removed = this.#removed.get(slice) ?? new Set<string>();
    for (const item of gone) {
      removed.add(keyOf(slice, item));
      this.#touched.get(slice)?.delete(item);
    }
    this.#removed.set(slice, removed);
    return gone;
  }

  /** Puts the state back as it was before the call (in reverse order of the changes). */
  rollback(): void {
    for (const undo of this.#undo.reverse()) undo();
    this.#state.seq = this.#seq;
    if (this.#network === undefined) delete this.#state.network;
    else this.#state.network = this.#network;
  }

  /** What the call left, for the log; `undefined` when it changed nothing. */
  entry(): JournalEntry | undefined {
    const put: Partial<Record<SliceName, object[]>> = {};
    const del: Partial<Record<SliceName, string[]>> = {};
    for (const [slice, items] of this.#touched) if (items.size > 0) put[slice] = [...items];
    // A key removed and added again (a replaced service) is both: removed first, then appended.
    for (const [slice, keys] of this.#removed) if (keys.size > 0) del[slice] = [...keys];
    const networkChanged = this.#state.network !== this.#network;
    if (
      Object.keys(put).length === 0 &&
      Object.keys(del).length === 0 &&
      this.#state.seq === this.#seq &&
      !networkChanged
    )
      return undefined;
    return {
      ...(Object.keys(put).length > 0 ? { put } : {}),
      ...(Object.keys(del).length > 0 ? { del } : {}),
      seq: this.#state.seq,
      ...(networkChanged && this.#state.network ? { network: this.#state.network } : {}),
    };
  }

  #mark(slice: SliceName, item: object): void {
    const seen = this.#touched.get(slice) ?? new Set<object>();
    seen.add(item);
    this.#touched.set(slice, seen);
  }
}

/**
 * Applies logged entries to `state` in order (loading a state file): removals by key, then the
 * items put, each replacing the one of its key where it stands or appended. Idempotent: applying an
 * entry twice leaves the same state.
 */
export const applyEntries = (state: SimState, entries: readonly JournalEntry[]): SimState => {
  const indexes = new Map<SliceName, Map<string, number>>();
  const indexOf = (slice: SliceName): Map<string, number> => {
    let index = indexes.get(slice);
    if (!index) {
      index = new Map((state[slice] as object[]).map((item, i) => [keyOf(slice, item), i]));
      indexes.set(slice, index);
    }
    return index;
  };
  for (const entry of entries) {
    for (const [slice, keys] of Object.entries(entry.del ?? {}) as Array<[SliceName, string[]]>) {
      const drop = new Set(keys);
      (state as Record<SliceName, unknown>)[slice] = (state[slice] as object[]).filter(
        (item) => !drop.has(keyOf(slice, item)),
      );
      indexes.delete(slice);
    }
    for (const [slice, items] of Object.entries(entry.put ?? {}) as Array<[SliceName, object[]]>) {
      const list = state[slice] as object[];
      const index = indexOf(slice);
      for (const item of items) {
        const key = keyOf(slice, item);
        const at = index.get(key);
        if (at === undefined) {
          index.set(key, list.length);
          list.push(item);
        } else list[at] = item;
      }
    }
    state.seq = entry.seq;
    if (entry.network) state.network = entry.network;
  }
  return state;
};

/**
 * Runs `change` on `state` through a new journal: undone when it throws, its journal returned when
 * it succeeds. With `check`, the journal is held against a copy of the whole state taken before:
 * after a failure the state must equal the copy, after a success the copy with the journal's entry
 * applied must equal the state. A change that bypassed the journal is then an error naming `what`.
 */
export const journaled = <T>(
  state: SimState,
  change: (write: StateWriter) => T,
  options: { check: boolean; what: string },
): { result: T; journal: Journal } => {
  const before = options.check ? structuredClone(state) : undefined;
  const journal = new Journal(state);
  let result: T;
  try {
    result = change(journal);
  } catch (error) {
    journal.rollback();
    if (before && !isDeepStrictEqual(state, before))
      throw new Error(`simulated AWS: ${options.what} failed and its journal did not undo all it changed`, {
        cause: error,
      });
    throw error;
  }
  if (before) {
    const entry = journal.entry();
    const replayed = entry ? applyEntries(structuredClone(before), [entry]) : before;
    if (!isDeepStrictEqual(replayed, state))
      throw new Error(`simulated AWS: ${options.what} changed the state beyond what its journal logged`);
  }
  return { result, journal };
};
