import type { ReconcileReport } from '../app/reconcile.ts';
import { OPERATION_TABLE, OPERATIONS } from '../domain/operations.ts';
import { INITIAL_RELEASE } from '../domain/release.ts';
import { arnsOf, RESOURCE_KINDS } from '../domain/resources.ts';
import type { HistoryEntry, TenantRecord } from '../domain/tenant-record.ts';
import type {
  ExecutionEntry,
  InventoryItem,
  RecoveredExecution,
  ReplayResult,
} from '../local/runtime/index.ts';
import { printable } from './io.ts';

/** One replay result as a single JSON line (`error` only when there is one). */
export const resultJson = (result: ReplayResult, source?: string): string =>
  // The documented key order: identity, outcome, execution, status event, then the error if any.
  JSON.stringify({
    ...(source === undefined ? {} : { source }),
    eventId: result.eventId,
    detailType: result.detailType,
    tenantId: result.tenantId,
    tenantRegistrationId: result.tenantRegistrationId,
    outcome: result.outcome,
    execution: result.execution,
    statusEvent: result.statusEvent,
    ...(result.error === undefined ? {} : { error: result.error }),
  });

/** A replay result for people: what happened, and the status event that went back to SBT. */
export const resultText = (result: ReplayResult, source?: string): string[] => {
  const who = result.tenantId ? `tenant ${result.tenantId}` : 'no tenant';
  const lines = [
    `${result.detailType ?? '(no detail-type)'} ${result.eventId ?? '(no id)'} → ${result.outcome.toUpperCase()} (${who})`,
  ];
  if (source !== undefined) lines.push(`  from          ${source}`);
  if (result.execution) lines.push(`  execution     ${result.execution}`);
  if (result.error) lines.push(`  reason        ${result.error}`);
  if (result.statusEvent) {
    lines.push(`  status event  ${result.statusEvent['detail-type']} from ${result.statusEvent.source}`);
    lines.push(`                ${JSON.stringify(result.statusEvent.detail)}`);
  } else {
    // Execution names start with their operation (`update-…`).
    const operation = OPERATIONS.find((op) => result.execution?.startsWith(`${op}-`));
    lines.push(
      result.outcome === 'duplicate'
        ? '  status event  none: a redelivery starts nothing new'
        : operation && !OPERATION_TABLE[operation].reports
          ? `  status event  none (an ${operation} answers nobody)`
          : result.outcome === 'deferred' && result.tenantRegistrationId
            ? `  status event  none: registration ${result.tenantRegistrationId} is answered by another execution (the one working on it, or the one that did it)`
            : result.tenantRegistrationId
              ? '  status event  none'
              : '  status event  none (no registration id to report to)',
    );
  }
  return lines;
};

/** A tenant map record with its step history, for people. */
/** A failure's reason without the step name it often starts with (`CreateService: CreateService: …`). */
const withoutStep = (error: { step: string; reason: string }): string =>
  error.reason.startsWith(`${error.step}: `) ? error.reason.slice(error.step.length + 2) : error.reason;

const MARK: Record<HistoryEntry['outcome'], string> = {
  succeeded: '✓',
  compensated: '↩',
  skipped: '–',
  failed: '✗',
};

const seconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * The record's history as operations: a header per execution (operation, execution, outcome, when
 * and how long), then each step with its own duration. The step that failed (never a checkpoint of
 * its own) is shown where the way back began, with its cause.
 */
const operationsText = (record: TenantRecord): string[] => {
  const groups: Array<{ execution: string; operation: string; entries: HistoryEntry[] }> = [];
  for (const entry of record.history) {
    const last = groups.at(-1);
    if (last && last.execution === entry.execution) last.entries.push(entry);
    else groups.push({ execution: entry.execution, operation: entry.operation, entries: [entry] });
  }
  const failedGroup = record.lastError
    ? groups.findLast((group) => group.operation === record.lastError?.operation)
    : undefined;
  const lines = groups.length > 0 ? ['  operations'] : [];
  for (const group of groups) {
    const first = group.entries[0];
    const last = group.entries.at(-1);
    if (!first || !last) continue;
    const start = Date.parse(first.at) - (first.durationMs ?? 0);
    const span = Date.parse(last.at) - start;
    const failed = group === failedGroup && record.lastError;
    const outcome =
      record.lock?.execution === group.execution
        ? 'running'
        : failed
          ? `FAILED at ${record.lastError?.step}`
          : group.entries.some((e) => e.outcome === 'compensated' || e.outcome === 'failed')
            ? 'undone'
            : 'done';
    lines.push(
      `    ${group.operation}  ${group.execution}  ${outcome}  ${new Date(start).toISOString()} (${seconds(span)})`,
    );
    const wayBack = group.entries.findIndex((e) => e.outcome !== 'succeeded');
    group.entries.forEach((entry, index) => {
      if (failed && record.lastError && index === (wayBack < 0 ? group.entries.length : wayBack))
        lines.push(`      ✗ ${record.lastError.step}  ${printable(withoutStep(record.lastError))}`);
      const took = entry.durationMs === undefined ? '' : ` ${entry.durationMs}ms`;
      const why = entry.reason && !failed ? ` (${printable(entry.reason)})` : '';
      const label = entry.step === 'MarkFailed' ? `${entry.step} (recorded the failure)` : entry.step;
      lines.push(`      ${MARK[entry.outcome]} ${label}${took}${why}`);
    });
  }
  return lines;
};

export const tenantText = (record: TenantRecord, withHistory: boolean): string[] => {
  const lock = record.lock ? `, locked by ${record.lock.execution} (${record.lock.operation})` : '';
  const lines = [
    `${record.tenantId}  ${record.placement?.tier ?? '(no tier)'}  ${record.lifecycleStatus}${record.active ? ' active' : ''}${lock}`,
    `  name ${printable(record.tenantName)}, registration ${record.tenantRegistrationId ?? '(none)'}, updated ${record.updatedAt}`,
  ];
  if (record.placement) {
    const p = record.placement;
    const size = p.service === 'own' ? `, ${p.cpu} cpu / ${p.memory} MiB × ${p.desiredCount}` : '';
    const companions =
      p.service === 'own' && p.companions?.length
        ? `; companions ${p.companions.map((c) => `${c.name} (${c.cpu} cpu / ${c.memory} MiB × ${c.desiredCount})`).join(', ')}`
        : '';
    lines.push(`  placement ${p.cluster} cluster, ${p.service} service${size}${companions}`);
    if (p.service === 'own') {
      const release = record.release;
      lines.push(
        release
          ? `  release ${printable(release.version)} (${printable(release.image)})`
          : `  release ${INITIAL_RELEASE} (the shared stack's image)`,
      );
    }
  }
  const resources = RESOURCE_KINDS.flatMap((kind) => {
    const resource = record.resources[kind];
    if (!resource) return [];
    if (kind === 'companions')
      return Object.entries(record.resources.companions?.services ?? {}).map(
        ([name, companion]) => `companion ${name}=${companion.arn}`,
      );
    return arnsOf(kind, resource).map((arn) => `${kind}=${arn}`);
  });
  if (resources.length > 0) lines.push(`  resources ${resources.join(', ')}`);
  const identity = record.resources.identity;
  if (identity)
    lines.push(
      `  identity pool ${identity.userPoolId}${identity.appClientId ? `, app client ${identity.appClientId}` : ''}${identity.domain ? `, hosted UI ${printable(identity.domain)}` : ''}${identity.group ? `, group ${printable(identity.group)}` : ''}${identity.adminEmail ? `, admin ${printable(identity.adminEmail)}` : ''}${identity.adminUser ? ` (user ${printable(identity.adminUser)})` : ''}${identity.invitedAt ? `, invited ${identity.invitedAt}` : ''}`,
    );
  const tables = record.resources.tables;
  if (tables) {
    const own = Object.entries(tables.tables).map(
      ([name, table]) =>
        `${name} ${table.name}${table.pointInTimeRecovery ? ' (point-in-time recovery on)' : ''}`,
    );
    if (own.length > 0) lines.push(`  tables ${own.join(', ')}`);
    for (const backup of tables.backups ?? [])
      lines.push(`  backup of ${backup.table}: ${backup.arn} (${backup.at})`);
  }
  if (record.routing) {
    lines.push(
      `  routing ${record.routing.mode} → ${record.routing.clusterName}/${record.routing.serviceName}`,
    );
  }
  if (record.migration) {
    const { direction, placement, resources } = record.migration;
    const named = RESOURCE_KINDS.flatMap((kind) => (resources[kind] ? [kind] : []));
    lines.push(
      `  migration ${direction === 'to' ? 'building' : 'leaving'} tier ${placement.tier}${named.length ? `: ${named.join(', ')}` : ''}`,
    );
  }
  if (record.lastError)
    lines.push(`  last error ${record.lastError.step}: ${printable(withoutStep(record.lastError))}`);
  if (withHistory) lines.push(...operationsText(record));
  return lines;
};

/** The inventory for people: every resource with its owner, shared ones marked. */
export const inventoryText = (description: string, items: readonly InventoryItem[]): string[] => {
  const lines = [description];
  const owners = new Map<string, InventoryItem[]>();
  for (const item of items) {
    const owner = item.tenantId
      ? `tenant ${item.tenantId}${item.tier ? ` (${item.tier})` : ''}`
      : item.tier === 'shared'
        ? 'shared'
        : 'UNTAGGED (no tenant tag: would be an orphan)';
    owners.set(owner, [...(owners.get(owner) ?? []), item]);
  }
  for (const [owner, owned] of [...owners.entries()].sort(([a], [b]) =>
    a === 'shared' ? -1 : b === 'shared' ? 1 : a.localeCompare(b),
  )) {
    lines.push(`${owner}:`);
    for (const item of owned) lines.push(`  ${item.service} ${item.type} ${item.id} [${item.status}]`);
  }
  return lines;
};

/** The fields of an execution `executions --json` prints (see json-output.ts, `executionEntry`). */
export const executionJson = (entry: ExecutionEntry) => ({
  name: entry.name,
  machine: entry.machine,
  status: entry.status,
  operation: entry.operation ?? null,
  tenantId: entry.tenantId ?? null,
  step: entry.step ?? null,
  startedAt: entry.startedAt,
  stoppedAt: entry.stoppedAt ?? null,
  error: entry.error ?? null,
});

/** `executions --json`: one JSON object per execution, per line. */
export const executionsJson = (entries: readonly ExecutionEntry[]): string =>
  entries.map((entry) => JSON.stringify(executionJson(entry))).join('\n');

/** Executions for people: running ones first, then failed/dead ones, then the rest, newest first. */
export const executionsText = (
  entries: readonly ExecutionEntry[],
  livePid: number | undefined,
  total: number,
): string[] => {
  if (entries.length === 0) return ['no executions'];
  const rank = (entry: ExecutionEntry) =>
    entry.status === 'RUNNING' ? 0 : entry.status === 'SUCCEEDED' ? 2 : 1;
  const sorted = [...entries].sort((a, b) => rank(a) - rank(b));
  const lines = sorted.map((entry) => {
    const step = entry.step ? ` at ${entry.step}${entry.stepOk === false ? ' ✗' : ''}` : '';
    const tenant = entry.tenantId ? ` tenant ${entry.tenantId}` : '';
    const op = entry.operation ? ` ${entry.operation}` : '';
    const why = entry.error ? ` (${entry.error})` : '';
    return `${entry.status.padEnd(9)} ${entry.name}${op}${tenant}${step}${why}`;
  });
  if (livePid !== undefined)
    lines.unshift(`(state dir in use by pid ${livePid}: as that process last wrote it)`);
  if (total > entries.length) lines.push(`… ${total - entries.length} more (--all)`);
  return lines;
};

/** What the opening recovery did for one execution a dead process left, for stderr. */
export const recoveredText = (item: RecoveredExecution): string[] => {
  const how =
    item.found === 'RUNNING' ? 'its process died while it ran' : `it ended ${item.found} unreported`;
  const lines = [`recovered ${item.name}${item.tenantId ? ` (tenant ${item.tenantId})` : ''}: ${how}`];
  const watch = item.watch;
  if (item.problem) {
    lines.push(`  not handled yet (the next command tries again): ${item.problem}`);
    return lines;
  }
  if (!watch || watch.outcome === 'ignored') {
    lines.push(`  nothing to do${watch ? `: ${watch.reason}` : ''}`);
    return lines;
  }
  if (watch.outcome === 'rollout-reported') {
    lines.push(
      watch.summary === 'sent'
        ? `  a rollout: sent its summary (halted); its tenants' updates ended on their own`
        : '  a rollout: its summary had been sent',
    );
    return lines;
  }
  const told =
    watch.outcome === 'notified'
      ? `sent ${watch.statusEvent?.detailType ?? 'its status event'}`
      : watch.outcome === 'already-notified'
        ? 'its status event had been sent'
        : 'no registration to answer';
  lines.push(`  ${told}${watch.releasedLock ? `; tenant unlocked (${watch.releasedAs ?? 'released'})` : ''}`);
  if (watch.cleanup) lines.push(`  cleanup ${watch.cleanup} removed what it left`);
  // A cleanup may change the status the unlock left (a migration's puts the tenant back where it was).
  if (item.tenantStatus && item.tenantStatus !== watch.releasedAs)
    lines.push(`  tenant now ${item.tenantStatus}`);
  return lines;
};

/** The short name of a resource in a report line: the last part of its ARN. */
const shortArn = (arn: string): string => {
  const parts = arn.split(':').slice(5).join(':').split('/');
  // A target group's ARN ends in <name>/<id>: its name says more.
  return (parts[0] === 'targetgroup' ? parts.at(-2) : parts.at(-1)) ?? arn;
};

/**
 * `reconcile`: a table of drift (tenant, kind, resource, what, and under `--repair` what became of
 * it), the tenants skipped, then one line of counts per kind.
 */
export const reconcileText = (report: ReconcileReport, repair: boolean): string[] => {
  const rows = report.drifts.map((d) => [
    d.tenantId,
    d.kind,
    `${d.resource} ${shortArn(d.arn)}`,
    d.detail,
    ...(repair ? [d.repair ? `${d.repair}${d.error ? ` (${d.error})` : ''}` : '-'] : []),
  ]);
  const header = ['TENANT', 'DRIFT', 'RESOURCE', 'WHAT', ...(repair ? ['REPAIR'] : [])];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  const lines = rows.length ? [line(header), ...rows.map(line)] : ['no drift'];
  for (const skip of report.skipped) lines.push(`skipped ${skip.tenantId}: ${skip.reason}`);
  const counts = (of: Record<string, number>) =>
    Object.entries(of)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ') || 'none';
  lines.push(
    `${report.checked} tenant${report.checked === 1 ? '' : 's'} checked; drift found: ${counts(report.found)}${repair ? `; repaired: ${counts(report.repaired)}` : ''}`,
  );
  return lines;
};
