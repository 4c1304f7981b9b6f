/** The text of `tenantflow help`. */
export const HELP = `tenantflow — tenant lifecycle orchestrator for SaaS on Amazon ECS (the SBT application plane)

Local commands run the real handlers against a SIMULATED AWS (no account needed).

Usage: tenantflow <command> [options]          every command takes --state-dir DIR (default .tenantflow/)

  demo                        replay the sample lifecycle on a fresh simulated AWS (what npm start runs)
  replay <file|dir>...        feed EventBridge events (a file: one event or an array; a dir: its *.json)
      --json                  one JSON result per event on stdout
      --engine asl|xstate     run the committed ASL (default) or the xstate models in process
      --fault STEP:KIND[:N]   inject a fault into the next N runs of STEP (transient|throttle|fatal|crash)
      --throttle              enforce the AWS API rate limits in the simulated cloud
      --verbose               let Powertools log as it does in Lambda
      --to-bus NAME           put the events on a REAL EventBridge bus instead (default AWS credentials)
  status <tenantId> [--json]  a tenant's record and its step history
  list [--json]               every tenant in the tenant map
  inventory [--json]          every resource of the simulated cloud, with its tenant tag
  diagram [--out FILE]        draw the sagas from the xstate models as SVG (default docs/sagas.svg)
  reset                       empty the state dir
  help                        this text

Exit codes: 0 done (whatever each event's outcome), 1 the work failed, 2 bad command line or unreadable file.`;
