import { ValidationError } from '../domain/errors.ts';

/**
 * What an operator's command works with on `--target aws`: the configuration the deployed stage's
 * functions run with (read from its step function), so the CLI's view is the deployment's. Flags or
 * environment variables that say otherwise are refused, naming themselves; with no deployment found,
 * they and the bundled defaults are what there is. Pure.
 */

/** The settings of a deployed function's environment that decide what a command does. */
export const DEPLOYED_SETTINGS = [
  'TENANT_TABLE',
  'SHARED_STACK_NAME',
  'SBT_EVENT_BUS',
  'CONTROL_PLANE_SOURCES',
  'APPLICATION_PLANE_SOURCE',
  'DETAIL_TYPE_PREFIX',
  'RESOURCE_PREFIX',
  'HEALTH_CHECK_PATH',
  'TIER_CATALOGUE',
  'API_GATEWAY_URL',
  'COGNITO_EMAIL_SOURCE_ARN',
  'COGNITO_EMAIL_FROM',
  'SHARD_CAPACITY',
  'SHARD_GROWTH_THRESHOLD',
  'SHARD_GROWTH_LIMIT',
] as const;
type Setting = (typeof DEPLOYED_SETTINGS)[number];

/** The flags with a setting of their own. */
const FLAGS = {
  table: { flag: '--table', setting: 'TENANT_TABLE' },
  sharedStack: { flag: '--shared-stack', setting: 'SHARED_STACK_NAME' },
  sbtBus: { flag: '--sbt-bus', setting: 'SBT_EVENT_BUS' },
} as const satisfies Record<string, { flag: string; setting: Setting }>;

export interface SettleInput {
  stage: string;
  /** The deployed function read (`tenantflow-<stage>-step`). */
  functionName: string;
  /** Its environment; undefined when the stage has no such function here. */
  deployed: Readonly<Record<string, string>> | undefined;
  flags: { table?: string | undefined; sharedStack?: string | undefined; sbtBus?: string | undefined };
  /** The command's own environment. */
  processEnv: Readonly<Record<string, string | undefined>>;
  defaults: { table: string; sharedStack: string };
}

export interface SettledTarget {
  table: string;
  sharedStack: string;
  sbtBus?: string;
  /** The settings the runtime's configuration is loaded from. */
  env: Record<string, string>;
  /** Where they came from, in words. */
  origin: string;
}

/** Long values (a whole catalogue) are not repeated in a message. */
const shown = (value: string): string => (value.length > 60 ? `${value.slice(0, 57)}…` : value);

export const settleTarget = (input: SettleInput): SettledTarget => {
  const { stage, functionName, deployed, flags, processEnv, defaults } = input;
  const fromEnv: Record<string, string> = {};
  for (const key of DEPLOYED_SETTINGS) {
    const value = processEnv[key];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  if (deployed === undefined) {
    const table = flags.table ?? fromEnv.TENANT_TABLE ?? defaults.table;
    const sharedStack = flags.sharedStack ?? fromEnv.SHARED_STACK_NAME ?? defaults.sharedStack;
    const sbtBus = flags.sbtBus ?? fromEnv.SBT_EVENT_BUS;
    const named = Object.keys(fromEnv);
    return {
      table,
      sharedStack,
      ...(sbtBus ? { sbtBus } : {}),
      env: fromEnv,
      origin: `no function ${functionName} here, so no deployed configuration: the bundled defaults${named.length > 0 ? ` and ${named.join(', ')} from the environment` : ''}`,
    };
  }
  const env: Record<string, string> = {};
  for (const key of DEPLOYED_SETTINGS) if (deployed[key] !== undefined) env[key] = deployed[key];
  for (const [name, { flag, setting }] of Object.entries(FLAGS)) {
    const given = flags[name as keyof typeof FLAGS];
    const runs = env[setting];
    if (given !== undefined && runs !== undefined && given !== runs)
      throw new ValidationError(
        flag,
        `is "${given}", but stage ${stage} runs with "${runs}" (${setting} of ${functionName})`,
      );
  }
  for (const [key, value] of Object.entries(fromEnv)) {
    const runs = env[key] ?? '';
    if (value !== runs)
      throw new ValidationError(
        key,
        `in this shell is "${shown(value)}", but stage ${stage} runs with ${runs === '' ? 'none' : `"${shown(runs)}"`} (${functionName}); unset it, or deploy the change`,
      );
  }
  return {
    table: env.TENANT_TABLE ?? defaults.table,
    sharedStack: env.SHARED_STACK_NAME ?? defaults.sharedStack,
    ...(env.SBT_EVENT_BUS ? { sbtBus: env.SBT_EVENT_BUS } : {}),
    env,
    origin: `the configuration stage ${stage} runs with (${functionName})`,
  };
};
