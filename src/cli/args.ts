import { type ParseArgsConfig, parseArgs } from 'node:util';
import { DEFAULT_WAVES } from '../domain/waves.ts';
import { type FaultSpec, parseFaultSpec } from '../local/runtime/fault-spec.ts';

/** The default state directory of every command. */
export const DEFAULT_STATE_DIR = '.tenantflow/';
/** Where `diagram` writes when `--out` is not given. */
export const DEFAULT_DIAGRAM = 'docs/sagas.svg';

/** What `diagram` writes: an SVG picture, or Markdown with Mermaid state diagrams. */
export const DIAGRAM_FORMATS = ['svg', 'mermaid'] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];
const isDiagramFormat = (value: string): value is DiagramFormat =>
  (DIAGRAM_FORMATS as readonly string[]).includes(value);

export const ENGINES = ['asl', 'xstate'] as const;
export type Engine = (typeof ENGINES)[number];

/**
 * `--target aws` and what goes with it (without it, the embedded default). The region is resolved
 * when the command runs (flag, then AWS_REGION / AWS_DEFAULT_REGION, then the profile's).
 */
export interface AwsTargetOptions {
  region?: string;
  profile?: string;
  stage: string;
  table?: string;
  /** --shared-stack; without it, the deployed stage's (or tenantflow-shared). */
  sharedStack?: string;
  sbtBus?: string;
  /** --in-process: run sagas in this process against the endpoint (an emulator), not on the deployed stage. */
  inProcess?: boolean;
  /** --no-wait: start on the deployed stage and do not follow. */
  noWait?: boolean;
}

/** A parsed command line. */
export type Command =
  | {
      name: 'replay';
      stateDir: string;
      paths: string[];
      json: boolean;
      engine: Engine;
      faults: FaultSpec[];
      throttle: boolean;
      verbose: boolean;
      toBus?: string;
      /** The region and profile of `--to-bus` (otherwise the SDK's default chain). */
      busRegion?: string;
      busProfile?: string;
      /** Outcomes that make the command exit 1 (for CI). */
      failOn: ReplayOutcome[];
      aws?: AwsTargetOptions;
    }
  | { name: 'status'; stateDir: string; tenantId: string; json: boolean; aws?: AwsTargetOptions }
  | { name: 'list'; stateDir: string; json: boolean; aws?: AwsTargetOptions }
  | { name: 'inventory'; stateDir: string; json: boolean; aws?: AwsTargetOptions }
  | { name: 'executions'; stateDir: string; json: boolean; all: boolean; aws?: AwsTargetOptions }
  | {
      name: 'abort';
      stateDir: string;
      /** The execution to stop, or (`--tenant`) the tenant whose running execution to stop. */
      execution?: string;
      tenantId?: string;
      json: boolean;
      aws?: AwsTargetOptions;
    }
  | { name: 'retry'; stateDir: string; tenantId: string; json: boolean; aws?: AwsTargetOptions }
  | { name: 'migrate'; stateDir: string; tenantId: string; to: string; json: boolean; aws?: AwsTargetOptions }
  | {
      name: 'update';
      stateDir: string;
      /** One tenant, or every tenant of `tier` that runs its own service (a rollout in waves). */
      tenantId?: string;
      tier?: string;
      /** The release as given: `--image` (and `--version`, `--cpu`, `--memory`, `--env`) or `--release FILE`. */
      release: unknown;
      /** A rollout request (the rollout machine's console input, or its EventBridge event) read from a file. */
      requestFile?: string;
      waves: string;
      bakeSeconds: number;
      concurrency: number;
      /** A CloudWatch alarm the rollout watches through its bakes. */
      alarm?: string;
      dryRun: boolean;
      json: boolean;
      aws?: AwsTargetOptions;
    }
  | { name: 'releases'; stateDir: string; json: boolean; aws?: AwsTargetOptions }
  /** `follow <execution> --target aws`: follows a deployed execution by name. */
  | { name: 'follow'; execution: string; stateDir: string; json: boolean; aws?: AwsTargetOptions }
  /** `alarm <name> <state>`: sets a CloudWatch alarm of the simulated cloud (a rollout's gate reads it). */
  | { name: 'alarm'; alarm: string; state: AlarmStateValue; stateDir: string }
  | {
      name: 'shards';
      /** `shards add`: run the shard machine now (forced); otherwise list the shards. */
      add: boolean;
      reason?: string;
      stateDir: string;
      json: boolean;
      aws?: AwsTargetOptions;
    }
  | {
      name: 'reconcile';
      stateDir: string;
      repair: boolean;
      tenantId?: string;
      json: boolean;
      aws?: AwsTargetOptions;
    }
  | {
      name: 'redrive';
      function: 'ingress' | 'watcher';
      stage: string;
      region?: string;
      profile?: string;
      queueUrl?: string;
      dryRun: boolean;
      max: number;
      json: boolean;
    }
  | { name: 'diagram'; stateDir: string; format: DiagramFormat; out: string }
  | { name: 'reset'; stateDir: string }
  | { name: 'demo'; stateDir: string; verbose: boolean }
  | { name: 'help'; topic?: string }
  | { name: 'version' };

/** The outcome of parsing: a command, or the one-line reason it is not one. */
export type ParseOutcome = { ok: true; command: Command } | { ok: false; message: string };

const stateDir = { 'state-dir': { type: 'string' } } as const;
const json = { json: { type: 'boolean' } } as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options of `--target`, on every command that reads or changes tenants. */
const target = {
  target: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  stage: { type: 'string' },
  stack: { type: 'string' },
  table: { type: 'string' },
  'shared-stack': { type: 'string' },
  'sbt-bus': { type: 'string' },
  'in-process': { type: 'boolean' },
  'no-wait': { type: 'boolean' },
} as const;

type TargetValues = {
  target?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  stage?: string | undefined;
  stack?: string | undefined;
  table?: string | undefined;
  'shared-stack'?: string | undefined;
  'sbt-bus'?: string | undefined;
  'in-process'?: boolean | undefined;
  'no-wait'?: boolean | undefined;
  'state-dir'?: string | undefined;
};

const AWS_ONLY = ['region', 'profile', 'stage', 'stack', 'table', 'shared-stack', 'sbt-bus'] as const;

/** The deployed stack osls names `tenantflow-<stage>`. */
const STACK_PATTERN = /^tenantflow-([A-Za-z0-9-]+)$/;

/** `{ aws }` for `--target aws`, nothing for the embedded default; the reason when the flags disagree. */
const targetOf = (values: TargetValues): { aws?: AwsTargetOptions } => {
  const kind = values.target ?? 'local';
  if (kind !== 'local' && kind !== 'aws')
    throw new Error(`--target "${kind}": expected local or aws${didYouMean(kind, ['local', 'aws'])}`);
  if (kind === 'local') {
    const stray = [...AWS_ONLY, 'in-process', 'no-wait'].find(
      (name) => values[name as keyof TargetValues] !== undefined,
    );
    if (stray) throw new Error(`--${stray} applies only with --target aws`);
    return {};
  }
  for (const name of AWS_ONLY)
    if (values[name] !== undefined && values[name]?.trim() === '') throw new Error(`--${name}: give a value`);
  let stage = values.stage;
  if (values.stack !== undefined) {
    const match = STACK_PATTERN.exec(values.stack);
    if (!match?.[1])
      throw new Error(`--stack "${values.stack}": expected tenantflow-<stage>, the stack osls deploys`);
    if (stage !== undefined && stage !== match[1])
      throw new Error(`--stack ${values.stack} is stage ${match[1]}, but --stage says ${stage}`);
    stage = match[1];
  }
  return {
    aws: {
      ...(values.region ? { region: values.region } : {}),
      ...(values.profile ? { profile: values.profile } : {}),
      stage: stage ?? 'dev',
      ...(values.table ? { table: values.table } : {}),
      ...(values['shared-stack'] ? { sharedStack: values['shared-stack'] } : {}),
      ...(values['sbt-bus'] ? { sbtBus: values['sbt-bus'] } : {}),
      ...(values['in-process'] ? { inProcess: true } : {}),
      ...(values['no-wait'] ? { noWait: true } : {}),
    },
  };
};

/** The commands that take `--target` and the AWS options with it. */
export const TARGETED_COMMANDS = [
  'replay',
  'status',
  'list',
  'inventory',
  'executions',
  'abort',
  'retry',
  'migrate',
  'update',
  'releases',
  'shards',
  'reconcile',
  'follow',
] as const;

/** The commands, as a user types them (for suggestions). */
export const COMMAND_NAMES = [
  'demo',
  ...TARGETED_COMMANDS,
  'alarm',
  'redrive',
  'diagram',
  'reset',
  'help',
] as const;

/** The states a CloudWatch alarm can be set to. */
export const ALARM_STATE_VALUES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmStateValue = (typeof ALARM_STATE_VALUES)[number];

/** Levenshtein distance (small strings only: command and option names). */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1)
      row[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length] ?? 0;
};

/** ` (did you mean "x"?)` for the closest of `candidates` within two edits, or nothing. */
export const didYouMean = (typed: string, candidates: readonly string[]): string => {
  const ranked = candidates
    .map((candidate) => ({ candidate, d: distance(typed, candidate) }))
    .filter(({ d }) => d <= 2)
    .sort((x, y) => x.d - y.d);
  return ranked[0] ? ` (did you mean "${ranked[0].candidate}"?)` : '';
};

const parse = <const O extends Options>(args: string[], options: O) => {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    // `--bake -1`: Node takes a value starting with a dash for a forgotten one ("ambiguous").
    const dashed = /^Option '(--[^ ']+)[^']*' argument is ambiguous/.exec(message);
    if (dashed?.[1]) {
      const at = args.indexOf(dashed[1]);
      const value = at >= 0 ? args[at + 1] : undefined;
      throw new Error(
        `${dashed[1]} "${value ?? ''}": a value starting with "-" is not one it takes (negative numbers included)`,
      );
    }
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message);
    if (!unknown?.[1]) throw error;
    const flags = Object.keys(options).map((name) => `--${name}`);
    throw new Error(`unknown option ${unknown[1]}${didYouMean(unknown[1], flags)}`);
  }
};

/** What a replayed event can end as (see ReplayResult). */
export const REPLAY_OUTCOMES = [
  'succeeded',
  'failed',
  'rejected',
  'duplicate',
  'deferred',
  'started',
] as const;
export type ReplayOutcome = (typeof REPLAY_OUTCOMES)[number];

const parseFailOn = (value: string | undefined): ReplayOutcome[] => {
  if (value === undefined) return [];
  const outcomes = value.split(',').map((part) => part.trim());
  for (const outcome of outcomes)
    if (!(REPLAY_OUTCOMES as readonly string[]).includes(outcome))
      throw new Error(
        `--fail-on "${outcome}": expected outcomes among ${REPLAY_OUTCOMES.join(', ')}${didYouMean(outcome, REPLAY_OUTCOMES)}`,
      );
  return outcomes as ReplayOutcome[];
};

/** A whole number of at least `min` from a flag, or `fallback` when the flag is absent. */
const count = (flag: string, value: string | undefined, fallback: number, min = 0): number => {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value.trim()) || Number(value) < min)
    throw new Error(`${flag} "${value}": expected a whole number${min > 0 ? ` of at least ${min}` : ''}`);
  return Number(value);
};

/**
 * The release the flags describe, unchecked (the update request checks it, naming the field):
 * `--release FILE` (its JSON), or `--image` with `--version` (default: the image's tag), `--cpu`,
 * `--memory` and `--env NAME=VALUE`.
 */
const releaseOf = (values: {
  release?: string | undefined;
  image?: string | undefined;
  version?: string | undefined;
  cpu?: string | undefined;
  memory?: string | undefined;
  env?: string[] | undefined;
  service?: string[] | undefined;
}): unknown => {
  if (values.release !== undefined) {
    const stray = (['image', 'version', 'cpu', 'memory', 'env', 'service'] as const).find(
      (flag) => values[flag] !== undefined,
    );
    if (stray) throw new Error(`--release FILE says it all: --${stray} does not go with it`);
    return { file: values.release };
  }
  const image = values.image?.trim();
  if (!image) throw new Error('update: give the release: --image IMAGE [--version V], or --release FILE');
  const tag = /:([^/:@]+)$/.exec(image.split('@')[0] ?? '')?.[1];
  const version = values.version?.trim() || tag;
  if (!version) throw new Error(`--image ${image} has no tag to name the release by: give --version`);
  const environment: Record<string, string> = {};
  for (const pair of values.env ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--env "${pair}": expected NAME=VALUE`);
    environment[pair.slice(0, at)] = pair.slice(at + 1);
  }
  // A companion's image: NAME=IMAGE (the tier's services besides the exposed one).
  // Entries, not assignments: a name like `__proto__` stays an ordinary key (the release refuses it).
  const shipped: Array<[string, { image: string }]> = [];
  for (const pair of values.service ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new Error(`--service "${pair}": expected NAME=IMAGE`);
    const service = pair.slice(0, at);
    if (shipped.some(([name]) => name === service)) throw new Error(`--service ${service} is given twice`);
    shipped.push([service, { image: pair.slice(at + 1) }]);
  }
  const services = Object.fromEntries(shipped);
  return {
    version,
    image,
    ...(values.cpu === undefined ? {} : { cpu: values.cpu }),
    ...(values.memory === undefined ? {} : { memory: values.memory }),
    ...(values.env === undefined ? {} : { environment }),
    ...(values.service === undefined ? {} : { services }),
  };
};

const isEngine = (value: string): value is Engine => (ENGINES as readonly string[]).includes(value);

const commandOf = (name: string, args: string[]): Command => {
  switch (name) {
    case 'replay': {
      const { values, positionals } = parse(args, {
        ...stateDir,
        ...json,
        ...target,
        engine: { type: 'string' },
        fault: { type: 'string', multiple: true },
        throttle: { type: 'boolean' },
        verbose: { type: 'boolean' },
        'to-bus': { type: 'string' },
        'fail-on': { type: 'string' },
      });
      if (positionals.length === 0) throw new Error('replay: give at least one event file or directory');
      const engine = values.engine ?? 'asl';
      if (!isEngine(engine)) throw new Error(`--engine "${engine}": expected asl or xstate`);
      const toBus = values['to-bus'];
      if (toBus !== undefined && toBus.trim() === '') throw new Error('--to-bus: give the event bus name');
      if (toBus !== undefined && values.target !== undefined)
        throw new Error('--to-bus only puts the events on a bus (it runs no saga): --target does not apply');
      const bus =
        toBus === undefined
          ? {}
          : {
              toBus,
              ...(values.region ? { busRegion: values.region } : {}),
              ...(values.profile ? { busProfile: values.profile } : {}),
            };
      return {
        name,
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        paths: positionals,
        json: values.json ?? false,
        engine,
        faults: (values.fault ?? []).map(parseFaultSpec),
        throttle: values.throttle ?? false,
        verbose: values.verbose ?? false,
        ...bus,
        failOn: parseFailOn(values['fail-on']),
        ...targetOf(toBus === undefined ? values : { ...values, region: undefined, profile: undefined }),
      };
    }
    case 'status': {
      const { values, positionals } = parse(args, { ...stateDir, ...json, ...target });
      const [tenantId, ...extra] = positionals;
      if (!tenantId || extra.length > 0)
        throw new Error('status: give exactly one tenant id, registration id or tenant name');
      return {
        name,
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        tenantId,
        json: values.json ?? false,
        ...targetOf(values),
      };
    }
    case 'list':
    case 'inventory': {
      const { values, positionals } = parse(args, { ...stateDir, ...json, ...target });
      if (positionals.length > 0) throw new Error(`${name}: unexpected argument "${positionals[0]}"`);
      const options = {
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        json: values.json ?? false,
        ...targetOf(values),
      };
      return name === 'list' ? { name, ...options } : { name, ...options };
    }
    case 'executions': {
      const { values, positionals } = parse(args, {
        ...stateDir,
        ...json,
        ...target,
        all: { type: 'boolean' },
      });
      if (positionals.length > 0) throw new Error(`executions: unexpected argument "${positionals[0]}"`);
      return {
        name,
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        json: values.json ?? false,
        all: values.all ?? false,
        ...targetOf(values),
      };
    }
    case 'abort': {
      const { values, positionals } = parse(args, {
        ...stateDir,
        ...json,
        ...target,
        tenant: { type: 'string' },
      });
      const [id, ...extra] = positionals;
      const tenant = values.tenant;
      if (tenant !== undefined && tenant.trim() === '') throw new Error('--tenant: give a tenant id');
      if ((id === undefined) === (tenant === undefined) || extra.length > 0)
        throw new Error('abort: give exactly one execution name, or --tenant <id>');
      return {
        name,
        ...(id !== undefined ? { execution: id } : { tenantId: tenant as string }),
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        json: values.json ?? false,
        ...targetOf(values),
      };
    }
    case 'retry': {
      const { values, positionals } = parse(args, { ...stateDir, ...json, ...target });
      const [id, ...extra] = positionals;
      if (!id || extra.length > 0) throw new Error(`${name}: give exactly one tenant id`);
      return {
        name,
        tenantId: id,
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        json: values.json ?? false,
        ...targetOf(values),
      };
    }
    case 'migrate': {
      const { values, positionals } = parse(args, {
        ...stateDir,
        ...json,
        ...target,
        to: { type: 'string' },
      });
      const [tenantId, ...extra] = positionals;
      if (!tenantId || extra.length > 0) throw new Error('migrate: give exactly one tenant id');
      const to = values.to?.trim();
      if (!to) throw new Error('migrate: give the tier to move the tenant to with --to TIER');
      return {
        name,
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        tenantId,
        to,
        json: values.json ?? false,
        ...targetOf(values),
      };
    }
    case 'update': {
      const { values, positionals } = parse(args, {
        ...stateDir,
        ...json,
        ...target,
        tier: { type: 'string' },
        image: { type: 'string' },
        version: { type: 'string' },
        cpu: { type: 'string' },
        memory: { type: 'string' },
        env: { type: 'string', multiple: true },
        service: { type: 'string', multiple: true },
        release: { type: 'string' },
        wave: { type: 'string' },
        bake: { type: 'string' },
        concurrency: { type: 'string' },
        request: { type: 'string' },
        alarm: { type: 'string' },
        'dry-run': { type: 'boolean' },
      });
      const [tenantId, ...extra] = positionals;
      if (values.request !== undefined) {
        const stray = (
          [
            'tier',
            'image',
            'version',
            'cpu',
            'memory',
            'env',
            'service',
            'release',
            'wave',
            'bake',
            'concurrency',
            'alarm',
          ] as const
        ).find((flag) => values[flag] !== undefined);
        if (positionals.length > 0 || stray)
          throw new Error(
            `update --request FILE says it all: ${stray ? `--${stray}` : 'a tenant id'} does not go with it`,
          );
        return {
          name,
          stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
          release: undefined,
          requestFile: values.request,
          waves: DEFAULT_WAVES,
          bakeSeconds: 0,
          concurrency: 10,
          dryRun: values['dry-run'] ?? false,
          json: values.json ?? false,
          ...targetOf(values),
        };
      }
      if (extra.length > 0) throw new Error('update: give one tenant id, or --tier TIER for a rollout');
      const tier = values.tier?.trim();
      if ((tenantId === undefined) === (tier === undefined || tier === ''))
        throw new Error('update: give a tenant id, or --tier TIER to roll the release out to a tier');
      if (
        tenantId !== undefined &&
        (values.wave ?? values.bake ?? values.concurrency ?? values.alarm) !== undefined
      )
        throw new Error('update: --wave, --bake, --concurrency and --alarm shape a rollout (--tier)');
      return {
        name,
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        ...(tenantId === undefined ? { tier } : { tenantId }),
        release: releaseOf(values),
        waves: values.wave ?? DEFAULT_WAVES,
        bakeSeconds: count('--bake', values.bake, 0),
        concurrency: count('--concurrency', values.concurrency, 10, 1),
        ...(values.alarm !== undefined ? { alarm: values.alarm } : {}),
        dryRun: values['dry-run'] ?? false,
        json: values.json ?? false,
        ...targetOf(values),
      };
    }
    case 'releases': {
      const { values, positionals } = parse(args, { ...stateDir, ...json, ...target });
      if (positionals.length > 0) throw new Error('releases: takes no arguments');
      return {
        name,
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        json: values.json ?? false,
        ...targetOf(values),
      };
    }
    case 'shards': {
      const { values, positionals } = parse(args, {
        ...stateDir,
        ...json,
        ...target,
        reason: { type: 'string' },
      });
      const [action, ...rest] = positionals;
      if (rest.length > 0 || (action !== undefined && action !== 'add'))
        throw new Error(`shards: takes nothing, or "add" (got ${positionals.join(' ')})`);
      if (values.reason !== undefined && action !== 'add')
        throw new Error('shards: --reason goes with "shards add"');
      return {
        name,
        add: action === 'add',
        ...(values.reason !== undefined ? { reason: values.reason } : {}),
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        json: values.json ?? false,
        ...targetOf(values),
      };
    }
    case 'reconcile': {
      const { values, positionals } = parse(args, {
        ...stateDir,
        ...json,
        ...target,
        repair: { type: 'boolean' },
        tenant: { type: 'string' },
      });
      if (positionals.length > 0) throw new Error(`reconcile: unexpected argument "${positionals[0]}"`);
      const tenant = values.tenant?.trim();
      if (values.tenant !== undefined && !tenant) throw new Error('--tenant: give a tenant id');
      return {
        name,
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        repair: values.repair ?? false,
        ...(tenant ? { tenantId: tenant } : {}),
        json: values.json ?? false,
        ...targetOf(values),
      };
    }
    case 'redrive': {
      const { values, positionals } = parse(args, {
        ...json,
        stage: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        'queue-url': { type: 'string' },
        'dry-run': { type: 'boolean' },
        max: { type: 'string' },
      });
      const [fn, ...extra] = positionals;
      if ((fn !== 'ingress' && fn !== 'watcher') || extra.length > 0)
        throw new Error('redrive: give the function whose dead letters to redrive: ingress or watcher');
      const max = values.max === undefined ? 1000 : Number(values.max);
      if (!Number.isInteger(max) || max < 1)
        throw new Error(`--max "${values.max}": a whole number of at least 1`);
      return {
        name,
        function: fn,
        stage: values.stage ?? 'dev',
        ...(values.region ? { region: values.region } : {}),
        ...(values.profile ? { profile: values.profile } : {}),
        ...(values['queue-url'] ? { queueUrl: values['queue-url'] } : {}),
        dryRun: values['dry-run'] ?? false,
        max,
        json: values.json ?? false,
      };
    }
    case 'diagram': {
      const { values, positionals } = parse(args, {
        ...stateDir,
        out: { type: 'string' },
        format: { type: 'string' },
      });
      if (positionals.length > 0) throw new Error(`diagram: unexpected argument "${positionals[0]}"`);
      const format = values.format ?? 'svg';
      if (!isDiagramFormat(format))
        throw new Error(`diagram: --format "${format}": one of ${DIAGRAM_FORMATS.join(', ')}`);
      return {
        name,
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        format,
        // SVG goes to the README's picture by default; Mermaid to stdout (`-`), for pasting.
        out: values.out ?? (format === 'svg' ? DEFAULT_DIAGRAM : '-'),
      };
    }
    case 'follow': {
      const { values, positionals } = parse(args, { ...stateDir, ...json, ...target });
      const [execution, ...extra] = positionals;
      if (!execution || extra.length > 0) throw new Error('follow: give exactly one execution name');
      const where = targetOf(values);
      if (!where.aws)
        throw new Error(
          'follow: follows a deployed stage’s execution (--target aws); a local run is followed by the command that runs it',
        );
      return {
        name,
        execution,
        stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR,
        json: values.json ?? false,
        ...where,
      };
    }
    case 'alarm': {
      const { values, positionals } = parse(args, stateDir);
      const [alarm, state, ...rest] = positionals;
      if (alarm === undefined || alarm.trim() === '' || state === undefined || rest.length > 0)
        throw new Error(`alarm: takes an alarm name and a state (${ALARM_STATE_VALUES.join(', ')})`);
      const value = ALARM_STATE_VALUES.find((known) => known === state.toUpperCase());
      if (!value)
        throw new Error(
          `alarm: state "${state}": expected ${ALARM_STATE_VALUES.join(', ')}${didYouMean(state.toUpperCase(), ALARM_STATE_VALUES)}`,
        );
      return { name, alarm, state: value, stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR };
    }
    case 'reset': {
      const { values, positionals } = parse(args, stateDir);
      if (positionals.length > 0) throw new Error(`reset: unexpected argument "${positionals[0]}"`);
      return { name, stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR };
    }
    case 'demo': {
      const { values, positionals } = parse(args, { ...stateDir, verbose: { type: 'boolean' } });
      if (positionals.length > 0) throw new Error(`demo: unexpected argument "${positionals[0]}"`);
      return { name, stateDir: values['state-dir'] ?? DEFAULT_STATE_DIR, verbose: values.verbose ?? false };
    }
    case 'help':
    case '--help':
    case '-h': {
      const [topic] = args;
      return topic && (COMMAND_NAMES as readonly string[]).includes(topic)
        ? { name: 'help', topic }
        : { name: 'help' };
    }
    case 'version':
    case '--version':
    case '-V':
      return { name: 'version' };
    default: {
      const hint = didYouMean(name, COMMAND_NAMES) || ' (try: tenantflow help)';
      throw new Error(`unknown command "${name}"${hint}`);
    }
  }
};

/** Parses `argv` (without the node and script paths). Never throws. */
export const parseCommandLine = (argv: readonly string[]): ParseOutcome => {
  const [name, ...args] = argv;
  if (name === undefined) return { ok: true, command: { name: 'help' } };
  // `<command> --help` (or -h) anywhere on the line: that command's help, whatever else is there.
  if ((COMMAND_NAMES as readonly string[]).includes(name) && args.some((a) => a === '--help' || a === '-h'))
    return { ok: true, command: name === 'help' ? { name: 'help' } : { name: 'help', topic: name } };
  try {
    return { ok: true, command: commandOf(name, args) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message: message.split('\n')[0] ?? message };
  }
};
