/**
 * Where the CPU of a run goes, from a V8 CPU profile of the process: the simulated AWS (the simulated
 * cloud's handlers, dynalite and the HTTP server side of its requests) apart from everything else,
 * which is tenantflow's orchestration as it would run in Lambda and Step Functions (handlers, steps,
 * adapters, the AWS SDK clients, the local ASL interpreter, state (de)serialisation, garbage
 * collection). Each sample is charged to the simulated AWS when any frame of its stack is.
 */
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string; lineNumber?: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Code of the simulated AWS, by where it is loaded from. */
const SIMULATED = [
  /\/src\/local\/sim\//,
  /\/node_modules\/(dynalite|level|memory-level|abstract-level|classic-level|browser-level|level-[^/]+|module-error|maybe-combine-errors|lazy|big\.js|async|lock|buffer-crc32)\//,
  /^node:_http_server$/,
];

export interface CpuSplit {
  /** Milliseconds of samples (idle excluded). */
  totalMs: number;
  simulatedMs: number;
  orchestrationMs: number;
  /** Of the orchestration, garbage collection (charged to it: the simulated AWS allocates too). */
  gcMs: number;
  /**
   * The functions with the most self time, most first (where a cost that grows with the fleet
   * shows: compare the same function's ms a saga step between fleet sizes).
   */
  top: Array<{ where: string; ms: number; simulated: boolean }>;
}

/** How many functions `top` lists. */
const TOP = 12;

/** A function as a person finds it: its name and file:line below the repository or node_modules. */
const whereOf = (frame: ProfileNode['callFrame']): string => {
  const file = frame.url.replace(/^file:\/\//, '').replace(/^.*\/(src|bench|node_modules)\//, '$1/');
  const name = frame.functionName || '(anonymous)';
  return file ? `${name} ${file}:${(frame.lineNumber ?? 0) + 1}` : name;
};

export const startCpuProfile = async (): Promise<() => Promise<CpuSplit>> => {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    session.disconnect();
    return splitProfile(profile);
  };
};

export const splitProfile = (profile: Profile): CpuSplit => {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const simulated = new Map<number, boolean>();
  const isSimulated = (id: number): boolean => {
    const known = simulated.get(id);
    if (known !== undefined) return known;
    const url = byId.get(id)?.callFrame.url ?? '';
    const up = parent.get(id);
    const result = SIMULATED.some((pattern) => pattern.test(url)) || (up !== undefined && isSimulated(up));
    simulated.set(id, result);
    return result;
  };
  const split: CpuSplit = { totalMs: 0, simulatedMs: 0, orchestrationMs: 0, gcMs: 0, top: [] };
  const self = new Map<string, { ms: number; simulated: boolean }>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i += 1) {
    const id = samples[i] as number;
    // A sample's time is the gap until the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const name = byId.get(id)?.callFrame.functionName;
    if (name === '(idle)') continue;
    split.totalMs += ms;
    const charged = isSimulated(id);
    if (charged) split.simulatedMs += ms;
    else {
      split.orchestrationMs += ms;
      if (name === '(garbage collector)') split.gcMs += ms;
    }
    const frame = byId.get(id)?.callFrame;
    if (frame) {
      const where = whereOf(frame);
      const entry = self.get(where) ?? { ms: 0, simulated: charged };
      entry.ms += ms;
      self.set(where, entry);
    }
  }
  split.top = [...self]
    .map(([where, entry]) => ({ where, ...entry }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, TOP);
  return split;
};
