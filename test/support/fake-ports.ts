/**
 * In-memory fakes of the ports, held to the same contract specs as the adapters
 * (test/unit/ports/*.contract.test.ts): not-found is a result, conditional writes raise ConflictError,
 * a priority is claimed atomically, tags decide ownership. Each fake records its calls and can be told
 * to fail the next call of a method.
 */
import { loadConfig, type TenantFlowConfig } from '../../src/config.ts';
import { DEFAULT_HEALTH } from '../../src/domain/catalogue.ts';
import { ConflictError, FatalError, NotReadyError, TenantLockedError } from '../../src/domain/errors.ts';
import type { Tag } from '../../src/domain/naming.ts';
import type { MachineId } from '../../src/domain/saga.ts';
import type { GrownShard, LoadBalancerShard } from '../../src/domain/shards.ts';
import type { TenantRecord } from '../../src/domain/tenant-record.ts';
import type { AlarmState, AlarmWatch } from '../../src/ports/alarms.ts';
import type {
  ClusterInfo,
  ClusterSpec,
  ContainerPlatform,
  ServiceChange,
  ServiceInfo,
  ServiceSpec,
  TaskDefinitionInfo,
  TaskDefinitionSpec,
} from '../../src/ports/container-platform.ts';
import type { DeployedStage } from '../../src/ports/deployed-stage.ts';
import type { EventPublisher, OutboundEvent } from '../../src/ports/event-publisher.ts';
import type {
  AdminUserSpec,
  IdentityProvider,
  UserPoolInfo,
  UserPoolSpec,
} from '../../src/ports/identity-provider.ts';
import type {
  ListenerInfo,
  ListenerRuleInfo,
  ListenerRuleSpec,
  LoadBalancer,
  LoadBalancerInfo,
  LoadBalancerSpec,
  TargetGroupHealth,
  TargetGroupInfo,
  TargetGroupSpec,
  TargetHealthSummary,
} from '../../src/ports/load-balancer.ts';
import type { Log } from '../../src/ports/log.ts';
import type {
  SharedInfrastructure,
  SharedInfrastructureLookup,
} from '../../src/ports/shared-infrastructure.ts';
import type { TableInfo, TableSpec, TableStore } from '../../src/ports/table-store.ts';
import type {
  AcquireRequest,
  MigrationChange,
  PriorityClaim,
  PriorityRegistry,
  ReleaseRequest,
  RepairRequest,
  ShardRegistry,
  StatusLedger,
  TenantMap,
} from '../../src/ports/tenant-map.ts';
import type { ExecutionEvent, ExecutionEvents, ExecutionState, Workflows } from '../../src/ports/workflow.ts';
import type { StepDeps } from '../../src/steps/index.ts';

/** One recorded call. */

/** A target group's health settings for tests that need one (the catalogue's tuned defaults, path `/`). */
export const GROUP_HEALTH: TargetGroupHealth = (() => {
  const { gracePeriodSeconds: _ecsOnly, ...health } = DEFAULT_HEALTH;
  return { path: '/', ...health };
})();

export interface Call<M extends string> {
  method: M;
  args: unknown[];
}

/** Call log, scripted failures, and a yield so concurrent callers interleave as over a network. */
class Recorder<M extends string> {
  readonly calls: Call<M>[] = [];
  private readonly failures = new Map<M, unknown[]>();

  /** The next call of `method` throws `error` (queue several for several calls). */
  failOnce(method: M, error: unknown): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
  }

  /** Arguments of every call of `method`, in order. */
  callsOf(method: M): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  protected async enter(method: M, ...args: unknown[]): Promise<void> {
    this.calls.push({ method, args });
    await Promise.resolve();
    const queued = this.failures.get(method);
    if (queued && queued.length > 0) throw queued.shift();
  }
}

const ACCOUNT = 'arn:aws:ecs:us-east-1:123456789012';
const copyTags = (tags: readonly Tag[]): Tag[] => tags.map((tag) => ({ ...tag }));

type FakeService = ServiceInfo & { cluster: string; spec?: ServiceSpec; previousTaskDefinition?: string };

/** ECS: clusters, task definition revisions and services, with ECS's status lifecycle reduced to what steps read. */
export class FakeContainerPlatform extends Recorder<keyof ContainerPlatform> implements ContainerPlatform {
  readonly clusters = new Map<string, ClusterInfo>();
  readonly taskDefinitions: Array<TaskDefinitionInfo & { spec: TaskDefinitionSpec }> = [];
  readonly services = new Map<string, FakeService>();

  async describeCluster(name: string) {
    await this.enter('describeCluster', name);
    const found = this.clusters.get(name);
    return found && found.status !== 'INACTIVE' ? { ...found, tags: copyTags(found.tags) } : undefined;
  }
  async countClusters() {
    await this.enter('countClusters');
    return [...this.clusters.values()].filter((cluster) => cluster.status === 'ACTIVE').length;
  }
  async createCluster(spec: ClusterSpec) {
    await this.enter('createCluster', spec);
    const existing = this.clusters.get(spec.name);
    if (existing?.status === 'ACTIVE') return { ...existing, tags: copyTags(existing.tags) };
    const cluster = {
      arn: `${ACCOUNT}:cluster/${spec.name}`,
      name: spec.name,
      status: 'ACTIVE',
      activeServicesCount: 0,
      tags: copyTags(spec.tags),
    };
    this.clusters.set(spec.name, cluster);
    return { ...cluster, tags: copyTags(cluster.tags) };
  }
  async deleteCluster(name: string) {
    await this.enter('deleteCluster', name);
    const cluster = this.clusters.get(name);
    if (!cluster || cluster.status === 'INACTIVE') return 'absent' as const;
    const live = [...this.services.values()].some((s) => s.cluster === name && s.status !== 'INACTIVE');
    if (live) throw new NotReadyError(`cluster ${name} still contains services`);
    cluster.status = 'INACTIVE';
    return 'deleted' as const;
  }

  private revision(td: TaskDefinitionInfo & { spec: TaskDefinitionSpec }): TaskDefinitionInfo {
    return {
      arn: td.arn,
      family: td.family,
      revision: td.revision,
      status: td.status,
      cpu: td.spec.cpu,
      memory: td.spec.memory,
      tags: copyTags(td.tags),
    };
  }
  async latestTaskDefinition(family: string) {
    await this.enter('latestTaskDefinition', family);
    const active = this.taskDefinitions.filter((td) => td.family === family && td.status === 'ACTIVE');
    const latest = active.sort((a, b) => b.revision - a.revision)[0];
    return latest ? this.revision(latest) : undefined;
  }
  async registerTaskDefinition(spec: TaskDefinitionSpec) {
    await this.enter('registerTaskDefinition', spec);
    const revision = this.taskDefinitions.filter((td) => td.family === spec.family).length + 1;
    const arn = `${ACCOUNT}:task-definition/${spec.family}:${revision}`;
    const td = { arn, family: spec.family, revision, status: 'ACTIVE', tags: copyTags(spec.tags), spec };
    this.taskDefinitions.push(td);
    return this.revision(td);
  }
  async listTaskDefinitions(family: string, status: 'ACTIVE' | 'INACTIVE') {
    await this.enter('listTaskDefinitions', family, status);
    return this.taskDefinitions
      .filter((td) => td.family === family && td.status === status)
      .map((td) => td.arn);
  }
  async describeTaskDefinition(arn: string) {
    await this.enter('describeTaskDefinition', arn);
    const found = this.taskDefinitions.find((td) => td.arn === arn);
    return found ? this.revision(found) : undefined;
  }
  async deregisterTaskDefinition(arn: string) {
    await this.enter('deregisterTaskDefinition', arn);
    const found = this.taskDefinitions.find((td) => td.arn === arn && td.status === 'ACTIVE');
    if (!found) return 'absent' as const;
    found.status = 'INACTIVE';
    return 'deregistered' as const;
  }
  async deleteTaskDefinitions(arns: readonly string[]) {
    await this.enter('deleteTaskDefinitions', [...arns]);
    for (const arn of arns) {
      const found = this.taskDefinitions.find((td) => td.arn === arn);
      if (found?.status === 'ACTIVE')
        throw new FatalError(`task definition ${arn} is ACTIVE: deregister it first`);
      if (found) found.status = 'DELETE_IN_PROGRESS';
    }
  }

  async describeService(cluster: string, name: string) {
    await this.enter('describeService', cluster, name);
    const found = this.services.get(`${cluster}/${name}`);
    return found && found.status !== 'INACTIVE' ? this.info(found) : undefined;
  }
  async createService(spec: ServiceSpec) {
    await this.enter('createService', spec);
    const key = `${spec.cluster}/${spec.name}`;
    const existing = this.services.get(key);
    if (existing && existing.status !== 'INACTIVE') {
      // ECS: the same client token returns the service; anything else is "not idempotent".
      if (existing.spec?.clientToken !== spec.clientToken)
        throw new FatalError('Creation of service was not idempotent');
      return this.info(existing);
    }
    const service: FakeService = {
      arn: `${ACCOUNT}:service/${spec.cluster}/${spec.name}`,
      name: spec.name,
      status: 'ACTIVE',
      desiredCount: spec.desiredCount,
      runningCount: 0,
      taskDefinition: spec.taskDefinitionArn,
      rolloutState: 'IN_PROGRESS',
      targetGroupArns: spec.targetGroupArn ? [spec.targetGroupArn] : [],
      tags: copyTags(spec.tags),
      cluster: spec.cluster,
      spec,
    };
    this.services.set(key, service);
    return this.info(service);
  }
  async updateService(cluster: string, name: string, change: ServiceChange) {
    await this.enter('updateService', cluster, name, change);
    const found = this.services.get(`${cluster}/${name}`);
    if (found?.status !== 'ACTIVE') return 'absent' as const;
    if (change.desiredCount !== undefined) found.desiredCount = change.desiredCount;
    if (change.loadBalancer !== undefined) {
      // Another target group: ECS starts a deployment that registers the tasks there.
      found.targetGroupArns = [change.loadBalancer.targetGroupArn];
      found.rolloutState = 'IN_PROGRESS';
    }
    if (change.taskDefinitionArn !== undefined && change.taskDefinitionArn !== found.taskDefinition) {
      // A new deployment, as ECS starts one: in progress until settled (or rolled back).
      found.previousTaskDefinition = found.taskDefinition;
      found.taskDefinition = change.taskDefinitionArn;
      found.rolloutState = 'IN_PROGRESS';
      delete found.failedRollout;
    }
    return 'updated' as const;
  }
  async deleteService(cluster: string, name: string) {
    await this.enter('deleteService', cluster, name);
    const found = this.services.get(`${cluster}/${name}`);
    if (found?.status !== 'ACTIVE') return 'absent' as const;
    found.status = 'INACTIVE';
    found.desiredCount = 0;
    return 'deleted' as const;
  }

  /** Test helper: every desired task running, the rollout complete. */
  settle(cluster: string, name: string): void {
    const found = this.services.get(`${cluster}/${name}`);
    if (!found) throw new Error(`no service ${cluster}/${name}`);
    Object.assign(found, { runningCount: found.desiredCount, rolloutState: 'COMPLETED' });
  }

  /** Test helper: the circuit breaker rolls the last deployment back to the revision before it. */
  rollBack(cluster: string, name: string, reason = 'tasks failed to start'): void {
    const found = this.services.get(`${cluster}/${name}`);
    if (!found?.previousTaskDefinition) throw new Error(`no deployment to roll back on ${cluster}/${name}`);
    found.failedRollout = { taskDefinition: found.taskDefinition, reason };
    found.taskDefinition = found.previousTaskDefinition;
    found.rolloutState = 'COMPLETED';
    delete found.previousTaskDefinition;
  }

  private info(service: FakeService): ServiceInfo {
    const { cluster: _cluster, spec: _spec, previousTaskDefinition: _previous, tags, ...info } = service;
    return { ...info, targetGroupArns: [...info.targetGroupArns], tags: copyTags(tags) };
  }
}

/** ELBv2: target groups, one listener's rules (with its default rule), tags, and target health. */
export class FakeLoadBalancer extends Recorder<keyof LoadBalancer> implements LoadBalancer {
  readonly targetGroups = new Map<
    string,
    Omit<TargetGroupInfo, 'healthCheck' | 'healthCheckPort'> & {
      spec: TargetGroupSpec;
      health: TargetGroupHealth;
      /** Where the checks go (absent: the traffic port); a test may point them elsewhere, as by hand. */
      healthCheckPort?: string;
    }
  >();
  readonly rules: Array<
    Omit<ListenerRuleInfo, 'standbyTargetGroupArns'> & {
      standbyTargetGroupArns?: string[];
      listenerArn: string;
      tags: Tag[];
    }
  > = [];
  readonly health = new Map<string, TargetHealthSummary>();
  private sequence = 0;

  private group(
    found: Omit<TargetGroupInfo, 'healthCheck' | 'healthCheckPort'> & {
      health: TargetGroupHealth;
      healthCheckPort?: string;
    },
  ): TargetGroupInfo {
    const { deregistrationDelaySeconds: _attribute, ...healthCheck } = found.health;
    return {
      arn: found.arn,
      name: found.name,
      loadBalancerArns: [...found.loadBalancerArns],
      healthCheck,
      healthCheckPort: found.healthCheckPort ?? 'traffic-port',
      tags: copyTags(found.tags),
    };
  }
  async findTargetGroup(name: string) {
    await this.enter('findTargetGroup', name);
    const found = this.targetGroups.get(name);
    return found ? this.group(found) : undefined;
  }
  async createTargetGroup(spec: TargetGroupSpec) {
    await this.enter('createTargetGroup', spec);
    this.sequence += 1;
    const arn = `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${spec.name}/${this.sequence}`;
    const group = this.targetGroups.get(spec.name) ?? {
      arn,
      name: spec.name,
      loadBalancerArns: [],
      tags: copyTags(spec.tags),
      spec,
      health: { ...spec.health },
    };
    this.targetGroups.set(spec.name, group);
    return this.group(group);
  }
  async configureTargetGroup(arn: string, health: TargetGroupHealth) {
    await this.enter('configureTargetGroup', arn, health);
    const found = [...this.targetGroups.values()].find((group) => group.arn === arn);
    if (!found) throw new FatalError(`ELBv2 ModifyTargetGroup ${arn}: no such target group`);
    found.health = { ...health };
    // The checks go to the traffic port again, as the adapter sets them.
    delete found.healthCheckPort;
  }
  async drainSeconds(targetGroupArn: string) {
    await this.enter('drainSeconds', targetGroupArn);
    return this.drainOf(targetGroupArn);
  }
  /** The drain a group has, read without recording a call (tests look here). */
  drainOf(arn: string): number | undefined {
    return [...this.targetGroups.values()].find((group) => group.arn === arn)?.health
      .deregistrationDelaySeconds;
  }
  async deleteTargetGroup(arn: string) {
    await this.enter('deleteTargetGroup', arn);
    const found = [...this.targetGroups.values()].find((group) => group.arn === arn);
    if (!found) return;
    if (
      this.rules.some((rule) =>
        [...rule.targetGroupArns, ...(rule.standbyTargetGroupArns ?? [])].includes(arn),
      )
    ) {
      throw new NotReadyError(`target group ${found.name} is in use by a listener rule`);
    }
    this.targetGroups.delete(found.name);
  }
  async targetHealth(targetGroupArn: string) {
    await this.enter('targetHealth', targetGroupArn);
    return this.health.get(targetGroupArn) ?? { healthy: 0, total: 0, states: [] };
  }

  async listListenerRules(listenerArn: string) {
    await this.enter('listListenerRules', listenerArn);
    const own = this.rules
      .filter((rule) => rule.listenerArn === listenerArn)
      .sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
    const defaultRule = {
      arn: `${listenerArn.replace(':listener/', ':listener-rule/')}/default`,
      priority: undefined,
      headerValue: undefined,
      targetGroupArns: [],
      standbyTargetGroupArns: [],
    };
    return [
      ...own.map(({ listenerArn: _listener, tags: _tags, ...rule }) => ({
        ...rule,
        targetGroupArns: [...rule.targetGroupArns],
        standbyTargetGroupArns: [...(rule.standbyTargetGroupArns ?? [])],
      })),
      defaultRule,
    ];
  }
  async createListenerRule(spec: ListenerRuleSpec) {
    await this.enter('createListenerRule', spec);
    const taken = this.rules.some(
      (rule) => rule.listenerArn === spec.listenerArn && rule.priority === spec.priority,
    );
    if (taken) return 'priority-in-use' as const;
    this.sequence += 1;
    const rule = {
      arn: `${spec.listenerArn.replace(':listener/', ':listener-rule/')}/${this.sequence}`,
      priority: spec.priority,
      headerValue: spec.headerValue,
      targetGroupArns: [spec.targetGroupArn],
      standbyTargetGroupArns: spec.standbyTargetGroupArn ? [spec.standbyTargetGroupArn] : [],
    };
    this.rules.push({ ...rule, listenerArn: spec.listenerArn, tags: copyTags(spec.tags) });
    return {
      ...rule,
      targetGroupArns: [...rule.targetGroupArns],
      standbyTargetGroupArns: [...rule.standbyTargetGroupArns],
    };
  }
  async deleteListenerRule(arn: string) {
    await this.enter('deleteListenerRule', arn);
    const index = this.rules.findIndex((rule) => rule.arn === arn);
    if (index < 0) return 'absent' as const;
    this.rules.splice(index, 1);
    return 'deleted' as const;
  }
  async tagResource(arn: string, tags: Tag[]) {
    await this.enter('tagResource', arn, copyTags(tags));
    const tagged =
      [...this.targetGroups.values()].find((group) => group.arn === arn) ??
      this.rules.find((rule) => rule.arn === arn);
    if (!tagged) return 'absent' as const;
    tagged.tags = [...tagged.tags.filter((tag) => !tags.some((t) => t.key === tag.key)), ...copyTags(tags)];
    return 'tagged' as const;
  }
  async forwardListenerRule(arn: string, targetGroupArn: string, standbyTargetGroupArn?: string) {
    await this.enter('forwardListenerRule', arn, targetGroupArn, standbyTargetGroupArn);
    const rule = this.rules.find((candidate) => candidate.arn === arn);
    if (!rule) return 'absent' as const;
    for (const wanted of [targetGroupArn, ...(standbyTargetGroupArn ? [standbyTargetGroupArn] : [])]) {
      if (![...this.targetGroups.values()].some((group) => group.arn === wanted))
        throw new FatalError(`target group ${wanted} not found`);
    }
    rule.targetGroupArns = [targetGroupArn];
    rule.standbyTargetGroupArns = standbyTargetGroupArn ? [standbyTargetGroupArn] : [];
    return 'forwarded' as const;
  }
  async tagsOf(arns: readonly string[]) {
    await this.enter('tagsOf', [...arns]);
    const found = new Map<string, Tag[]>();
    for (const arn of arns) {
      const tagged =
        [...this.targetGroups.values()].find((group) => group.arn === arn) ??
        this.rules.find((rule) => rule.arn === arn) ??
        [...this.loadBalancers.values()].find((lb) => lb.arn === arn) ??
        this.listeners.find((listener) => listener.arn === arn);
      if (tagged) found.set(arn, copyTags(tagged.tags));
    }
    return found;
  }

  /** Load balancers the shard machine made, by name; `provisioning` for their first `provisioningLooks` finds. */
  readonly loadBalancers = new Map<string, LoadBalancerInfo & { tags: Tag[]; looks: number }>();
  readonly listeners: Array<ListenerInfo & { loadBalancerArn: string; tags: Tag[] }> = [];
  provisioningLooks = 1;

  async findLoadBalancer(name: string) {
    await this.enter('findLoadBalancer', name);
    const found = this.loadBalancers.get(name);
    if (!found) return undefined;
    found.looks += 1;
    const state = found.looks > this.provisioningLooks ? 'active' : 'provisioning';
    return { arn: found.arn, name: found.name, dnsName: found.dnsName, state };
  }
  async createLoadBalancer(spec: LoadBalancerSpec) {
    await this.enter('createLoadBalancer', spec);
    const existing = this.loadBalancers.get(spec.name);
    if (existing && JSON.stringify(existing.tags) !== JSON.stringify(spec.tags))
      throw new FatalError(`load balancer name ${spec.name} is taken with other settings`);
    this.sequence += 1;
    const made = existing ?? {
      arn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/${spec.name}/${this.sequence}`,
      name: spec.name,
      dnsName: `${spec.name}-${this.sequence}.us-east-1.elb.amazonaws.com`,
      state: 'provisioning',
      tags: copyTags(spec.tags),
      looks: 0,
    };
    this.loadBalancers.set(spec.name, made);
    return { arn: made.arn, name: made.name, dnsName: made.dnsName, state: 'provisioning' };
  }
  async deleteLoadBalancer(arn: string) {
    await this.enter('deleteLoadBalancer', arn);
    const found = [...this.loadBalancers.values()].find((lb) => lb.arn === arn);
    if (!found) return;
    const gone = new Set(this.listeners.filter((l) => l.loadBalancerArn === arn).map((l) => l.arn));
    this.rules.splice(0, this.rules.length, ...this.rules.filter((rule) => !gone.has(rule.listenerArn)));
    this.listeners.splice(0, this.listeners.length, ...this.listeners.filter((l) => !gone.has(l.arn)));
    this.loadBalancers.delete(found.name);
  }
  async listListeners(loadBalancerArn: string) {
    await this.enter('listListeners', loadBalancerArn);
    return this.listeners
      .filter((listener) => listener.loadBalancerArn === loadBalancerArn)
      .map((listener) => ({ arn: listener.arn, port: listener.port }));
  }
  async createListener(spec: { loadBalancerArn: string; port: number; tags: Tag[] }) {
    await this.enter('createListener', spec);
    if (![...this.loadBalancers.values()].some((lb) => lb.arn === spec.loadBalancerArn))
      throw new FatalError(`no load balancer ${spec.loadBalancerArn}`);
    if (this.listeners.some((l) => l.loadBalancerArn === spec.loadBalancerArn && l.port === spec.port))
      throw new FatalError(`a listener already exists on port ${spec.port}`);
    this.sequence += 1;
    const listener = {
      arn: `${spec.loadBalancerArn.replace(':loadbalancer/', ':listener/')}/${this.sequence}`,
      port: spec.port,
      loadBalancerArn: spec.loadBalancerArn,
      tags: copyTags(spec.tags),
    };
    this.listeners.push(listener);
    return { arn: listener.arn, port: listener.port };
  }
  async deleteListener(arn: string) {
    await this.enter('deleteListener', arn);
    const index = this.listeners.findIndex((listener) => listener.arn === arn);
    if (index < 0) return 'absent' as const;
    this.listeners.splice(index, 1);
    this.rules.splice(0, this.rules.length, ...this.rules.filter((rule) => rule.listenerArn !== arn));
    return 'deleted' as const;
  }
}

/**
 * The tenant map with its conditional writes: the lock, allowed statuses, release by the holder only,
 * onboarding alone writing the placement, and one owner per id compared case-insensitively.
 */
export class FakeTenantMap extends Recorder<keyof TenantMap> implements TenantMap {
  readonly records = new Map<string, TenantRecord>();
  readonly identities = new Map<string, string>();

  /** Test helper: puts a record in place as it would be after earlier operations. */
  seed(record: Partial<TenantRecord> & Pick<TenantRecord, 'tenantId'>): void {
    const at = '2024-12-31T00:00:00.000Z';
    this.records.set(record.tenantId, {
      tenantRegistrationId: `reg-${record.tenantId}`,
      tenantName: record.tenantId,
      lifecycleStatus: 'ACTIVE',
      active: true,
      resources: {},
      history: [],
      version: 1,
      createdAt: at,
      updatedAt: at,
      ...record,
    });
    this.identities.set(record.tenantId.toLowerCase(), record.tenantId);
  }

  async get(tenantId: string) {
    await this.enter('get', tenantId);
    return this.copy(this.records.get(tenantId));
  }
  async list() {
    await this.enter('list');
    return [...this.records.values()].map((record) => structuredClone(record));
  }
  async acquire(request: AcquireRequest) {
    await this.enter('acquire', request);
    const onboarding = request.operation === 'onboard';
    if (onboarding) this.claimIdentity(request.tenantId);
    const existing = this.records.get(request.tenantId);
    const mine = existing?.lock?.execution === request.execution;
    if (existing?.lock && !mine) {
      const { lock } = existing;
      throw new TenantLockedError(
        `cannot ${request.operation} tenant ${request.tenantId}: locked by execution ${lock.execution} for operation ${lock.operation} since ${lock.since}`,
        lock,
        existing.tenantRegistrationId,
      );
    }
    if (!mine && !request.allowedFrom.includes(existing?.lifecycleStatus ?? 'absent')) {
      throw new ConflictError(
        existing
          ? `cannot ${request.operation} tenant ${request.tenantId}: status ${existing.lifecycleStatus} does not allow ${request.operation}`
          : `cannot ${request.operation} tenant ${request.tenantId}: tenant not found`,
      );
    }
    if (
      !mine &&
      existing &&
      request.expectedVersion !== undefined &&
      existing.version !== request.expectedVersion
    ) {
      throw new ConflictError(
        `cannot ${request.operation} tenant ${request.tenantId}: the record is at version ${existing.version}, not ${request.expectedVersion}`,
      );
    }
    const record: TenantRecord = {
      resources: {},
      history: [],
      active: false,
      createdAt: request.at,
      tenantName: request.tenantName,
      ...(request.tenantRegistrationId === undefined
        ? {}
        : { tenantRegistrationId: request.tenantRegistrationId }),
      ...existing,
      tenantId: request.tenantId,
      lifecycleStatus: request.status,
      lock: { execution: request.execution, operation: request.operation, since: request.at },
      version: (existing?.version ?? 0) + 1,
      updatedAt: request.at,
    };
    // Onboarding writes what it provisions; other operations keep the record's own.
    if (onboarding) {
      record.tenantName = request.tenantName;
      if (request.email === undefined) delete record.email;
      else record.email = request.email;
      if (request.tenantRegistrationId === undefined) delete record.tenantRegistrationId;
      else record.tenantRegistrationId = request.tenantRegistrationId;
      if (request.placement) record.placement = structuredClone(request.placement);
    }
    this.records.set(request.tenantId, record);
    return structuredClone(record);
  }
  async recordResources(
    tenantId: string,
    execution: string,
    resources: TenantRecord['resources'],
    history: TenantRecord['history'],
  ) {
    await this.enter('recordResources', tenantId, execution, resources, history);
    const record = this.held(tenantId, execution);
    this.records.set(tenantId, {
      ...record,
      resources: structuredClone(resources),
      history: [...record.history, ...structuredClone(history)],
      version: record.version + 1,
    });
  }
  async recordMigration(
    tenantId: string,
    execution: string,
    change: MigrationChange,
    history: TenantRecord['history'],
  ) {
    await this.enter('recordMigration', tenantId, execution, change, history);
    const record = this.held(tenantId, execution);
    const next: TenantRecord = {
      ...record,
      history: [...record.history, ...structuredClone(history)],
      version: record.version + 1,
    };
    if (change.migration === null) delete next.migration;
    else if (change.migration !== undefined) next.migration = structuredClone(change.migration);
    if (change.migrationResources !== undefined) {
      if (!next.migration)
        throw new ConflictError(`tenant ${tenantId} has no migration to record resources into`);
      next.migration = { ...next.migration, resources: structuredClone(change.migrationResources) };
    }
    if (change.placement !== undefined) next.placement = structuredClone(change.placement);
    if (change.resources !== undefined) next.resources = structuredClone(change.resources);
    if (change.routing === null) delete next.routing;
    else if (change.routing !== undefined) next.routing = structuredClone(change.routing);
    if (change.release === null) delete next.release;
    else if (change.release !== undefined) next.release = structuredClone(change.release);
    this.records.set(tenantId, next);
  }
  async repairResources(request: RepairRequest) {
    await this.enter('repairResources', request);
    const record = this.records.get(request.tenantId);
    if (!record || record.lock || record.version !== request.expectedVersion)
      throw new ConflictError(`tenant ${request.tenantId} changed or is held: not repaired`);
    const next: TenantRecord = {
      ...record,
      resources: structuredClone(request.resources),
      history: [...record.history, ...structuredClone(request.history)],
      version: record.version + 1,
      updatedAt: request.at,
    };
    if (request.migration === null) delete next.migration;
    this.records.set(request.tenantId, next);
    return structuredClone(next);
  }
  async release(request: ReleaseRequest) {
    await this.enter('release', request);
    const record = this.records.get(request.tenantId);
    if (record && !record.lock && record.lifecycleStatus === request.status) {
      // A retried release step: the first attempt already wrote this very outcome.
      if (record.history.at(-1)?.execution === request.execution) return structuredClone(record);
    }
    return this.write(this.held(request.tenantId, request.execution), request);
  }
  async releaseDead(request: ReleaseRequest) {
    await this.enter('releaseDead', request);
    const record = this.records.get(request.tenantId);
    if (record?.lock?.execution !== request.execution) return undefined;
    return this.write(record, request);
  }

  private copy(record: TenantRecord | undefined): TenantRecord | undefined {
    return record ? structuredClone(record) : undefined;
  }
  private claimIdentity(tenantId: string): void {
    const key = tenantId.toLowerCase();
    const owner = this.identities.get(key);
    if (owner !== undefined && owner !== tenantId) {
      const holder = this.records.get(owner);
      if (holder && holder.lifecycleStatus !== 'DELETED') {
        throw new ConflictError(
          `tenant id ${tenantId} differs only in case from tenant ${owner} (${holder.lifecycleStatus}): the load balancer matches tenant headers case-insensitively, so both cannot be tenants`,
        );
      }
    }
    this.identities.set(key, tenantId);
  }
  private held(tenantId: string, execution: string): TenantRecord {
    const record = this.records.get(tenantId);
    if (!record) throw new ConflictError(`tenant ${tenantId} has no record`);
    if (record.lock?.execution !== execution)
      throw new ConflictError(`execution ${execution} does not hold the lock of tenant ${tenantId}`);
    return record;
  }
  private write(record: TenantRecord, request: ReleaseRequest): TenantRecord {
    const { lock: _lock, routing, lastError, migration, release, ...rest } = record;
    const next: TenantRecord = {
      ...rest,
      lifecycleStatus: request.status,
      active: request.active,
      resources: structuredClone(request.resources),
      history: [...record.history, ...structuredClone(request.history)],
      version: record.version + 1,
      updatedAt: request.at,
    };
    const nextRouting = request.routing === undefined ? routing : (request.routing ?? undefined);
    const nextError = request.lastError === undefined ? lastError : (request.lastError ?? undefined);
    if (nextRouting) next.routing = structuredClone(nextRouting);
    if (nextError) next.lastError = structuredClone(nextError);
    const nextMigration = request.migration === undefined ? migration : (request.migration ?? undefined);
    if (nextMigration) next.migration = structuredClone(nextMigration);
    if (request.placement) next.placement = structuredClone(request.placement);
    const nextRelease = request.release === undefined ? release : (request.release ?? undefined);
    if (nextRelease) next.release = structuredClone(nextRelease);
    this.records.set(record.tenantId, next);
    return structuredClone(next);
  }
}

/** Priority allocator: a claim is atomic (decided within one turn of the event loop). */
export class FakePriorityRegistry extends Recorder<keyof PriorityRegistry> implements PriorityRegistry {
  readonly claims = new Map<string, Map<number, string>>();

  private listener(listenerArn: string): Map<number, string> {
    const found = this.claims.get(listenerArn) ?? new Map<number, string>();
    this.claims.set(listenerArn, found);
    return found;
  }
  async list(listenerArn: string): Promise<PriorityClaim[]> {
    await this.enter('list', listenerArn);
    return [...this.listener(listenerArn)]
      .sort(([a], [b]) => a - b)
      .map(([priority, tenantId]) => ({ priority, tenantId }));
  }
  async claim(listenerArn: string, priority: number, tenantId: string) {
    await this.enter('claim', listenerArn, priority, tenantId);
    const holder = this.listener(listenerArn).get(priority);
    if (holder !== undefined) return holder === tenantId;
    this.listener(listenerArn).set(priority, tenantId);
    return true;
  }
  async release(listenerArn: string, priority: number, tenantId: string) {
    await this.enter('release', listenerArn, priority, tenantId);
    if (this.listener(listenerArn).get(priority) === tenantId) this.listener(listenerArn).delete(priority);
  }
}

/** The grown shards, one entry per index, changed only under the same conditions as DynamoDB's. */
export class FakeShardRegistry extends Recorder<keyof ShardRegistry> implements ShardRegistry {
  readonly shards = new Map<number, GrownShard>();

  async list() {
    await this.enter('list');
    return [...this.shards.values()].sort((a, b) => a.index - b.index).map((shard) => ({ ...shard }));
  }
  async reserve(index: number, execution: string) {
    await this.enter('reserve', index, execution);
    const found = this.shards.get(index);
    if (found && !(found.execution === execution && found.status === 'CREATING')) return 'taken' as const;
    this.shards.set(index, { index, status: 'CREATING', execution });
    return 'reserved' as const;
  }
  async takeOver(index: number, from: string, execution: string) {
    await this.enter('takeOver', index, from, execution);
    const found = this.shards.get(index);
    if (!found || found.execution !== from || found.status !== 'CREATING') return false;
    this.shards.set(index, { ...found, execution });
    return true;
  }
  async activate(
    index: number,
    execution: string,
    shard: { loadBalancerArn: string; listenerArn: string; dnsName: string },
  ) {
    await this.enter('activate', index, execution, shard);
    const found = this.shards.get(index);
    if (!found || found.execution !== execution) return false;
    this.shards.set(index, { ...found, ...shard, status: 'ACTIVE' });
    return true;
  }
  async release(index: number, execution: string) {
    await this.enter('release', index, execution);
    const found = this.shards.get(index);
    if (found?.execution === execution && found.status === 'CREATING') this.shards.delete(index);
  }
}

/** Status ledger: one entry per key, `claimed` by an owner until marked `sent` (no lease expiry here). */
export class FakeStatusLedger extends Recorder<keyof StatusLedger> implements StatusLedger {
  readonly entries = new Map<
    string,
    { detailType: string; state: 'claimed' | 'sent'; owner: string; note?: string }
  >();
  readonly starts = new Set<string>();

  async claim(key: string, detailType: string, at: string, owner: string) {
    await this.enter('claim', key, detailType, at, owner);
    const entry = this.entries.get(key);
    if (entry?.state === 'sent') return 'sent' as const;
    if (entry && entry.owner !== owner) return 'busy' as const;
    this.entries.set(key, { detailType, state: 'claimed', owner });
    return 'claimed' as const;
  }
  async markSent(key: string, at: string, note?: string) {
    await this.enter('markSent', key, at, note);
    const entry = this.entries.get(key);
    if (entry) {
      entry.state = 'sent';
      if (note !== undefined) entry.note = note;
    }
  }
  async abandon(key: string, owner: string) {
    await this.enter('abandon', key, owner);
    const entry = this.entries.get(key);
    if (entry?.state === 'claimed' && entry.owner === owner) this.entries.delete(key);
  }
  async recordStart(name: string, at: string) {
    await this.enter('recordStart', name, at);
    if (this.starts.has(name)) return 'again' as const;
    this.starts.add(name);
    return 'first' as const;
  }
}

/** EventBridge: remembers what went out. */
export class FakeEventPublisher extends Recorder<keyof EventPublisher> implements EventPublisher {
  readonly published: OutboundEvent[] = [];
  async publish(event: OutboundEvent) {
    await this.enter('publish', event);
    this.published.push(structuredClone(event));
  }
}

/**
 * StartExecution as Step Functions answers it: the same name and input while that execution runs is
 * the same execution (success, same ARN); the name taken otherwise is ExecutionAlreadyExists.
 * `finish` ends an execution (it stops counting as running).
 */
export class FakeWorkflowStarter
  extends Recorder<keyof Workflows | keyof ExecutionEvents>
  implements Workflows, ExecutionEvents
{
  /** Each execution's step events, by execution name, as the test writes them (none by default). */
  readonly histories = new Map<string, ExecutionEvent[]>();
  async history(machine: MachineId, name: string, after = 0): Promise<ExecutionEvent[]> {
    await this.enter('history', machine, name, after);
    if (!this.started.some((s) => s.machine === machine && s.name === name)) return [];
    return structuredClone((this.histories.get(name) ?? []).filter((event) => event.id > after));
  }
  readonly started: Array<{
    machine: MachineId;
    name: string;
    input: unknown;
    running: boolean;
    end?: ExecutionState;
  }> = [];
  async describe(machine: MachineId, name: string): Promise<ExecutionState | undefined> {
    await this.enter('describe', machine, name);
    const execution = this.started.find((s) => s.machine === machine && s.name === name);
    if (!execution) return undefined;
    return execution.running ? { status: 'RUNNING' } : (execution.end ?? { status: 'SUCCEEDED' });
  }
  async start(machine: MachineId, name: string, input: unknown) {
    await this.enter('start', machine, name, input);
    const executionArn = `arn:aws:states:us-east-1:123456789012:execution:tenantflow-${machine}:${name}`;
    const existing = this.started.find((s) => s.machine === machine && s.name === name);
    if (existing) {
      const same = existing.running && JSON.stringify(existing.input) === JSON.stringify(input);
      return { outcome: same ? ('started' as const) : ('duplicate' as const), executionArn };
    }
    this.started.push({ machine, name, input: structuredClone(input), running: true });
    return { outcome: 'started' as const, executionArn };
  }
  /** Ends execution `name` (SUCCEEDED unless `end` says otherwise), as DescribeExecution then reads it. */
  finish(name: string, end?: ExecutionState): void {
    for (const execution of this.started)
      if (execution.name === name) {
        execution.running = false;
        if (end) execution.end = end;
      }
  }
}

/** CloudWatch alarms by name, set by the test. */
export class FakeAlarmWatch extends Recorder<keyof AlarmWatch> implements AlarmWatch {
  readonly alarms = new Map<string, AlarmState>();
  async state(name: string): Promise<AlarmState | undefined> {
    await this.enter('state', name);
    return this.alarms.get(name);
  }
}

/** {@link DeployedStage} in memory: the deployed functions' environments, by function name. */
export class FakeDeployedStage implements DeployedStage {
  readonly functions = new Map<string, Record<string, string>>();

  async environmentOf(functionName: string): Promise<Readonly<Record<string, string>> | undefined> {
    const found = this.functions.get(functionName);
    return found ? { ...found } : undefined;
  }
}

/** A log that keeps what it was told, for assertions. */
export class FakeLog implements Log {
  readonly lines: Array<{ level: 'info' | 'warn'; message: string; fields?: Record<string, unknown> }> = [];
  info(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
}

/** Shard `index` of the fake shared stack (the first is FAKE_INFRA's own load balancer and listener). */
export const fakeShard = (index: number): LoadBalancerShard => {
  const lb = index === 0 ? 'tf-alb/1' : `tf-alb-${index + 1}/${index + 1}`;
  return {
    index,
    loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/${lb}`,
    listenerArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/${lb}/${index + 2}`,
    dnsName: `${lb.split('/')[0]}-${index + 100}.us-east-1.elb.amazonaws.com`,
  };
};

/** A user pool of the fake identity provider, with what lives in it. */
export interface FakeUserPool extends UserPoolInfo {
  customAttributes: string[];
  clients: Array<{ id: string; name: string }>;
  groups: string[];
  users: Array<{
    username: string;
    email: string;
    attributes: Record<string, string>;
    groups: string[];
    /** Changed the temporary password: there is no invitation to resend. */
    signedIn?: boolean;
  }>;
}

/** Cognito user pools: names not unique, ids generated, deleting a pool deletes what lives in it. */
export class FakeIdentityProvider extends Recorder<keyof IdentityProvider> implements IdentityProvider {
  readonly pools = new Map<string, FakeUserPool>();
  /** Every invitation mailed, in order (Cognito's own email, as an admin would receive it). */
  readonly mailed: Array<{ poolId: string; username: string; email: string }> = [];
  private sequence = 0;

  private view(pool: FakeUserPool): UserPoolInfo {
    return {
      id: pool.id,
      name: pool.name,
      arn: pool.arn,
      tags: copyTags(pool.tags),
      ...(pool.createdAt === undefined ? {} : { createdAt: pool.createdAt }),
      ...(pool.domain === undefined ? {} : { domain: pool.domain }),
    };
  }
  private poolOf(id: string): FakeUserPool {
    const pool = this.pools.get(id);
    if (!pool) throw new FatalError(`user pool ${id} does not exist`);
    return pool;
  }
  async describeUserPool(id: string) {
    await this.enter('describeUserPool', id);
    const pool = this.pools.get(id);
    return pool ? this.view(pool) : undefined;
  }
  async findUserPools(name: string) {
    await this.enter('findUserPools', name);
    return [...this.pools.values()].filter((pool) => pool.name === name).map((pool) => this.view(pool));
  }
  async countUserPools() {
    await this.enter('countUserPools');
    return this.pools.size;
  }
  async createUserPool(spec: UserPoolSpec) {
    await this.enter('createUserPool', spec);
    this.sequence += 1;
    const id = `us-east-1_fake${this.sequence}`;
    const pool: FakeUserPool = {
      id,
      createdAt: this.sequence,
      name: spec.name,
      arn: `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${id}`,
      tags: copyTags(spec.tags),
      customAttributes: [...spec.customAttributes],
      clients: [],
      groups: [],
      users: [],
    };
    this.pools.set(id, pool);
    return this.view(pool);
  }
  async deleteUserPool(id: string) {
    await this.enter('deleteUserPool', id);
    this.pools.delete(id);
  }
  async ensureDomain(poolId: string, domain: string) {
    await this.enter('ensureDomain', poolId, domain);
    const pool = this.poolOf(poolId);
    if (pool.domain === domain) return;
    if (pool.domain) throw new FatalError(`user pool ${poolId} has the domain ${pool.domain}, not ${domain}`);
    const holder = [...this.pools.values()].find((other) => other.domain === domain);
    if (holder) throw new FatalError(`domain ${domain} belongs to user pool ${holder.id}`);
    pool.domain = domain;
  }
  async ensureAppClient(poolId: string, name: string) {
    await this.enter('ensureAppClient', poolId, name);
    const pool = this.poolOf(poolId);
    const found = pool.clients.find((client) => client.name === name);
    if (found) return found.id;
    this.sequence += 1;
    const client = { id: `client${this.sequence}`, name };
    pool.clients.push(client);
    return client.id;
  }
  async ensureGroup(poolId: string, name: string, _description: string) {
    await this.enter('ensureGroup', poolId, name);
    const pool = this.poolOf(poolId);
    if (!pool.groups.includes(name)) pool.groups.push(name);
  }
  async ensureAdminUser(poolId: string, user: AdminUserSpec) {
    await this.enter('ensureAdminUser', poolId, user);
    const pool = this.poolOf(poolId);
    if (!pool.groups.includes(user.group)) throw new FatalError(`group ${user.group} does not exist`);
    for (const name of Object.keys(user.attributes))
      if (!pool.customAttributes.includes(name))
        throw new FatalError(`custom:${name} is not in the pool's schema`);
    let member = pool.users.find((candidate) => candidate.email === user.email);
    if (!member) {
      this.sequence += 1;
      member = {
        username: `user-${this.sequence}`,
        email: user.email,
        attributes: { ...user.attributes },
        groups: [],
      };
      pool.users.push(member);
      if (user.invitation === 'send')
        this.mailed.push({ poolId, username: member.username, email: member.email });
    }
    if (!member.groups.includes(user.group)) member.groups.push(user.group);
    return member.username;
  }

  async inviteUser(poolId: string, signInName: string) {
    await this.enter('inviteUser', poolId, signInName);
    // The pools sign in by email: the address names the user.
    const member = this.poolOf(poolId).users.find((candidate) => candidate.email === signInName);
    if (!member) return 'absent' as const;
    if (member.signedIn) return 'signed-in' as const;
    this.mailed.push({ poolId, username: member.username, email: member.email });
    return 'sent' as const;
  }
}

/** The shared stack's outputs. */
export const FAKE_INFRA: SharedInfrastructure = {
  vpcId: 'vpc-0abc',
  privateSubnetIds: ['subnet-a', 'subnet-b'],
  serviceSecurityGroupId: 'sg-service',
  publicSubnetIds: ['subnet-public-a', 'subnet-public-b'],
  loadBalancerSecurityGroupId: 'sg-alb',
  loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/tf-alb/1',
  listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/tf-alb/1/2',
  shards: [fakeShard(0)],
  clusterName: 'tf-shared',
  pooledServiceName: 'tf-pooled',
  pooledTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tf-pooled/9',
  executionRoleArn: 'arn:aws:iam::123456789012:role/tf-execution',
  taskRoleArn: 'arn:aws:iam::123456789012:role/tf-task',
  logGroupName: '/tenantflow/tenants',
  tenantImage: 'public.ecr.aws/nginx/nginx:stable',
  containerPort: 8080,
};

interface FakeTable {
  spec: TableSpec;
  arn: string;
  pointInTimeRecovery: boolean;
  /** Describes left before it is ACTIVE (`creatingFor`'s value when it was made). */
  creating: number;
}

/**
 * DynamoDB's control plane for tenants' tables: names unique, tags at creation, point-in-time recovery
 * off until turned on, a table CREATING for `creatingFor` describes after it is made (0: ACTIVE at
 * once, as the simulator makes it), busy tables refusing backups and recovery settings, backups kept
 * after their table is gone. Held to the adapter by the TableStore contract spec.
 */
export class FakeTableStore extends Recorder<keyof TableStore> implements TableStore {
  readonly tables = new Map<string, FakeTable>();
  readonly backups: Array<{ table: string; name: string; arn: string }> = [];
  /** How many describes a new table stays CREATING for. */
  creatingFor = 0;

  private view(table: FakeTable): TableInfo {
    return {
      name: table.spec.name,
      arn: table.arn,
      status: table.creating > 0 ? 'CREATING' : 'ACTIVE',
      partitionKey: table.spec.partitionKey,
      ...(table.spec.sortKey ? { sortKey: table.spec.sortKey } : {}),
      tags: copyTags(table.spec.tags),
    };
  }
  private active(name: string, context: string): FakeTable {
    const table = this.tables.get(name);
    if (!table) throw new FatalError(`${context} failed: table ${name} does not exist`);
    if (table.creating > 0) throw new NotReadyError(`${context}: the table is busy (CREATING), try again`);
    return table;
  }
  async describeTable(name: string) {
    await this.enter('describeTable', name);
    const table = this.tables.get(name);
    if (!table) return undefined;
    const view = this.view(table);
    if (table.creating > 0) table.creating -= 1;
    return view;
  }
  async tableStatus(name: string) {
    await this.enter('tableStatus', name);
    const table = this.tables.get(name);
    return table ? this.view(table).status : undefined;
  }
  async createTable(spec: TableSpec) {
    await this.enter('createTable', spec);
    const existing = this.tables.get(spec.name);
    if (existing) return this.view(existing);
    const table: FakeTable = {
      spec: { ...spec, tags: copyTags(spec.tags) },
      arn: `arn:aws:dynamodb:us-east-1:000000000000:table/${spec.name}`,
      pointInTimeRecovery: false,
      creating: this.creatingFor,
    };
    this.tables.set(spec.name, table);
    return { ...this.view(table), status: 'CREATING' };
  }
  async enablePointInTimeRecovery(name: string) {
    await this.enter('enablePointInTimeRecovery', name);
    this.active(name, `DynamoDB UpdateContinuousBackups ${name}`).pointInTimeRecovery = true;
  }
  async pointInTimeRecovery(name: string) {
    await this.enter('pointInTimeRecovery', name);
    return this.tables.get(name)?.pointInTimeRecovery;
  }
  async backupTable(name: string, backupName: string) {
    await this.enter('backupTable', name, backupName);
    const table = this.active(name, `DynamoDB CreateBackup ${name}`);
    const arn = `${table.arn}/backup/${String(this.backups.length + 1).padStart(17, '0')}-fake`;
    this.backups.push({ table: name, name: backupName, arn });
    return arn;
  }
  async listBackups(name: string) {
    await this.enter('listBackups', name);
    return this.backups
      .filter((backup) => backup.table === name)
      .map((backup) => ({ name: backup.name, arn: backup.arn }))
      .reverse();
  }
  async deleteTable(name: string) {
    await this.enter('deleteTable', name);
    const table = this.tables.get(name);
    if (table && table.creating > 0)
      throw new NotReadyError(`DynamoDB DeleteTable ${name}: the table is busy (CREATING), try again`);
    this.tables.delete(name);
  }
  async countTables() {
    await this.enter('countTables');
    return this.tables.size;
  }
}

/** Fixed test time. */
export const FAKE_NOW = new Date('2025-01-01T00:00:00.000Z');

/** The configuration tests run with (the bus is required: SBT always has its own). */
export const testConfig = (env: Record<string, string | undefined> = {}): TenantFlowConfig =>
  loadConfig({ SBT_EVENT_BUS: 'sbt-bus', ...env });

/** Every fake, and the StepDeps wired from them. */
export const createFakes = (
  options: { config?: TenantFlowConfig; now?: () => Date; shards?: number } = {},
) => {
  const fakes = {
    ecs: new FakeContainerPlatform(),
    elb: new FakeLoadBalancer(),
    identity: new FakeIdentityProvider(),
    tables: new FakeTableStore(),
    tenants: new FakeTenantMap(),
    priorities: new FakePriorityRegistry(),
    shardRegistry: new FakeShardRegistry(),
    ledger: new FakeStatusLedger(),
    events: new FakeEventPublisher(),
    log: new FakeLog(),
    starter: new FakeWorkflowStarter(),
    alarms: new FakeAlarmWatch(),
  };
  const shards = Array.from({ length: options.shards ?? 1 }, (_, index) => fakeShard(index));
  const infra: SharedInfrastructureLookup = { get: async () => ({ ...FAKE_INFRA, shards }) };
  const deps: StepDeps = {
    config: options.config ?? testConfig(),
    ...fakes,
    infra,
    now: options.now ?? (() => new Date(FAKE_NOW)),
    workflows: fakes.starter,
  };
  return { ...fakes, deps };
};
