import { TARGETED_COMMANDS } from './args.ts';

/** The options every command that reads or changes tenants takes to work on real AWS. */
const TARGETS = `Targets (${TARGETED_COMMANDS.join(', ')}):
  --target local|aws          local (default): the simulated AWS; aws: the same sagas in this process with
                              real SDK clients (credentials from the standard chain; AWS_ENDPOINT_URL honoured)
      --region R, --profile P as the AWS CLI (region: the flag, AWS_REGION, or the profile's)
      --stage NAME            the deployed stage (default dev); or --stack tenantflow-<stage>. Its settings
                              (table, shared stack, SBT's bus and sources, tier catalogue, resource prefix…)
                              are read from its function tenantflow-<stage>-step; a flag or variable that
                              disagrees is refused. Without a deployment: the flags, the environment, defaults
      --table NAME            another tenant table; --shared-stack NAME (default tenantflow-shared)
      --sbt-bus NAME          SBT's bus, where status events go (needed by replay, retry, migrate and update
                              when no deployed stage names it)
      --in-process            replay, retry, migrate, update, shards add: run the work in this process against
                              the endpoint (an emulator with no Lambda runtime), not on the deployed stage's
                              state machines (which run it otherwise, followed here step by step from the
                              execution's history; Ctrl-C stops following, not the execution)
      --no-wait               start on the deployed stage and return without following the execution
                              state dir for in-process executions: <state-dir>/aws/<region>/<stage>/`;

/** The text of `tenantflow help`. */
export const HELP = `tenantflow — tenant lifecycle orchestrator for SaaS on Amazon ECS (the SBT application plane)

Local commands run the real handlers against a SIMULATED AWS (no account needed).

Usage: tenantflow <command> [options]          every command takes --state-dir DIR (default .tenantflow/)

  demo                        replay the sample lifecycle on a fresh simulated AWS (what npm start runs)
  replay <file|dir>...        feed EventBridge events (a file: one event or an array; a dir: its *.json)
      --json                  one JSON result per event on stdout
      --engine asl|xstate     run the committed ASL (default) or the xstate models in process
      --fault STEP:KIND[:N]   inject a fault into the next N runs of STEP (transient|throttle|fatal|crash);
                              STEP#C:KIND[:N] puts it on the step's C-th AWS call (default the first)
      --throttle              enforce the AWS API rate limits in the simulated cloud
      --verbose               let Powertools log as it does in Lambda
      --to-bus NAME           put the events on a REAL EventBridge bus instead (--region, --profile; --json)
      --fail-on OUTCOMES      exit 1 when an event ends so, e.g. failed,rejected (for CI)
  status <tenant> [--json]    a tenant's record, step history and next steps (by id, registration id or name)
  list [--json]               every tenant in the tenant map
  inventory [--json]          every resource of the simulated cloud, with its tenant tag
  executions [--json] [--all] executions: running, failed or dead, then the rest (newest 50 unless --all)
  abort <execution> [--json]  stop a running execution: failure event, tenant freed, its leftovers cleaned up
                              (--target aws: one run here, or any of the deployed stage's, from any machine);
                              abort --tenant <id> stops whatever runs for that tenant (its lock names it)
  follow <execution> [--json] (--target aws) follow a deployed execution from any machine: its steps as they
                              end and how it ended (exit 1 unless it succeeded; Ctrl-C stops following only,
                              exit 130)
  retry <tenantId> [--json]   re-drive a FAILED tenant's last request as a new execution (the control plane's retry)
  migrate <tenantId> --to TIER [--json]
                              move an ACTIVE tenant to another tier, served throughout (a migration saga)
  update <tenantId> --image IMAGE [--version V] [--cpu N --memory N] [--env NAME=VALUE]... [--json]
                              put a tenant's own service on a release (or --release FILE, its JSON); a
                              failing one is rolled back and the tenant stays on the release it ran
      --service NAME=IMAGE    a companion's image in the release (a tier of several services); one not
                              named keeps the image it runs
  update --tier TIER --image IMAGE ...
                              roll the release out to every tenant of TIER, in waves (a pooled tier: its
                              pooled service, one wave); a failed wave is rolled back and the rollout halts
                              (run it again to resume)
      --wave SPEC             how far after each wave: counts or shares (default 1,10%,50%,100%)
      --bake SECONDS          wait after each wave that passed (default 0); --concurrency N (default 10)
      --alarm NAME            a CloudWatch alarm watched through each bake (default: the tier's rolloutAlarm
                              in the catalogue): in ALARM, the wave is rolled back
      --dry-run               only list who gets the release in which wave
  update --request FILE       the same from a rollout request: events/console/rollout.json, or the
                              tenantflow_rolloutRequest event (events/operator/rollout-request.json)
  releases [--json]           which release each tenant runs, by tier (pooled ones: the pooled service's)
  shards [--json]             every load balancer shard (the stack's, then those added) and how full it is
  shards add [--reason TEXT]  add a load balancer shard now (the shard machine; onboardings also start it
                              when every shard is filled to SHARD_GROWTH_THRESHOLD)
  alarm <name> <OK|ALARM|INSUFFICIENT_DATA>
                              set a CloudWatch alarm of the simulated cloud, to try a rollout's --alarm gate
                              here (an alarm in ALARM at a bake's look rolls the wave back)
  reconcile [--repair] [--tenant ID] [--json]
                              hold every tenant record against what runs (found by tenantflow's tags): missing,
                              orphaned, scaled or redeployed by hand; --repair converges (exit 1: drift left)
  redrive <ingress|watcher>   (AWS) hand a deployed function's dead letters back to it
      --stage NAME            the deployed stage (default dev); --region, --profile as the AWS CLI
      --dry-run               only list what is there; --max N at most N letters; --json
  diagram [--format svg|mermaid] [--out FILE|-]
                              draw the sagas from the xstate models: SVG (default docs/sagas.svg) or
                              Markdown with Mermaid state diagrams (default stdout)
  reset                       empty the state dir
  help [command]              this text, or one command's (also: <command> --help)
  --version                   the version

${TARGETS}

One process uses a state dir at a time (another gets "state dir in use by pid N", exit 2); every command
first recovers what a killed or interrupted run left there. Ctrl-C during replay: the running event
finishes and no more start; a second Ctrl-C quits at once.

Exit codes: 0 done (whatever each event's outcome, unless --fail-on), 1 the work failed, 2 bad command line, unreadable
file or busy state dir, 130 interrupted.`;

const TARGETED: ReadonlySet<string> = new Set(TARGETED_COMMANDS);

/**
 * One command's part of {@link HELP}: its line(s) and the option lines under it, after a usage line.
 * `undefined` for a name the text does not list.
 */
export const commandHelp = (name: string): string | undefined => {
  const lines = HELP.split('\n');
  const own: string[] = [];
  // Every entry of the command (`update` and `shards` have two), each with the lines under it: option
  // lines and wrapped descriptions are indented deeper than a command's two spaces.
  let inside = false;
  for (const line of lines) {
    if (line.startsWith(`  ${name} `) || line === `  ${name}`) inside = true;
    else if (!line.startsWith('   ')) inside = false;
    if (inside) own.push(line);
  }
  if (own.length === 0) return undefined;
  return [
    `Usage: tenantflow ${name} [options]          --state-dir DIR where it applies (default .tenantflow/)`,
    '',
    ...own,
    ...(TARGETED.has(name) ? ['', TARGETS] : []),
  ].join('\n');
};
