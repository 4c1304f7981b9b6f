/**
 * A fleet rollout's waves: which tenants take a release in which wave. A wave spec lists how far the
 * rollout has got after each wave, as a number of tenants (`1`: a canary of one) or a share of the
 * fleet (`10%`), cumulatively: `1,10%,50%,100%` updates one tenant, then up to a tenth of the fleet,
 * then half, then all. Pure, and light: the CLI's argument parser reads the default from here.
 */
import { ValidationError } from './errors.ts';

/** How far the rollout has got after a wave: a number of tenants, or a share of the fleet. */
export type WaveTarget = { count: number } | { percent: number };

/** A canary of one tenant, then a tenth of the fleet, half of it, all of it. */
export const DEFAULT_WAVES = '1,10%,50%,100%';

/**
 * Reads a wave spec (`1,10%,50%,100%`). Targets must grow; a spec that does not end at 100% gets a
 * last wave for the rest. Throws a `ValidationError` naming `field` and the bad part.
 */
export const parseWaves = (text: string, field = 'wave'): WaveTarget[] => {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => part === '')) {
    throw new ValidationError(
      field,
      `"${text}": give comma-separated counts or percentages, e.g. ${DEFAULT_WAVES}`,
    );
  }
  const targets: WaveTarget[] = parts.map((part) => {
    const percent = /^(\d{1,3}(?:\.\d+)?)%$/.exec(part);
    if (percent) {
      const value = Number(percent[1]);
      if (value <= 0 || value > 100)
        throw new ValidationError(field, `"${part}": a share is above 0% and at most 100%`);
      return { percent: value };
    }
    if (/^\d{1,7}$/.test(part) && Number(part) > 0) return { count: Number(part) };
    throw new ValidationError(field, `"${part}": not a number of tenants (1) or a share of the fleet (10%)`);
  });
  // Each wave goes further than the one before (of the same kind: counts or shares), and none
  // after the whole fleet: `100%,50%` would read as three waves, `100%, 50%, 100%`.
  targets.forEach((target, index) => {
    const earlier = targets.slice(0, index);
    const part = parts[index] ?? '';
    if (earlier.some((before) => 'percent' in before && before.percent === 100))
      throw new ValidationError(field, `"${part}": nothing comes after 100% (the whole fleet)`);
    const before = earlier.filter((candidate) => 'percent' in candidate === 'percent' in target).at(-1);
    const size = (t: WaveTarget) => ('percent' in t ? t.percent : t.count);
    if (before && size(before) >= size(target))
      throw new ValidationError(
        field,
        `"${text}": each wave goes further than the one before (${part} after ${'percent' in before ? `${before.percent}%` : before.count})`,
      );
  });
  const last = targets.at(-1);
  if (!last || !('percent' in last) || last.percent !== 100) targets.push({ percent: 100 });
  return targets;
};

/** How many tenants of a fleet of `size` a target reaches. */
const reach = (target: WaveTarget, size: number): number =>
  'count' in target ? Math.min(target.count, size) : Math.ceil((target.percent / 100) * size);

/**
 * The waves over `tenants` (taken in the order given): each wave the tenants from where the previous
 * one stopped up to its target. A target that adds nobody (`10%` of a small fleet after a canary of
 * one) is passed over, so no wave is empty; the last wave ends the fleet.
 */
export const planWaves = <T>(tenants: readonly T[], targets: readonly WaveTarget[]): T[][] => {
  const waves: T[][] = [];
  let done = 0;
  for (const target of targets) {
    const upTo = Math.max(done, reach(target, tenants.length));
    if (upTo > done) waves.push(tenants.slice(done, upTo));
    done = upTo;
  }
  if (done < tenants.length) waves.push(tenants.slice(done));
  return waves;
};

/** The spec as it was meant, for output: `1, 10%, 50%, 100%`. */
export const describeWaves = (targets: readonly WaveTarget[]): string =>
  targets.map((target) => ('count' in target ? String(target.count) : `${target.percent}%`)).join(', ');
