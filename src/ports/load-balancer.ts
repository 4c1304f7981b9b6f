import type { Tag } from '../domain/naming.ts';

/** How the load balancer checks a group's targets (HTTP, on the traffic port). */
export interface HealthCheck {
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  /** HTTP codes of a passing check, e.g. `200-399`. */
  matcher: string;
}

/** A group's health check and how long a target it lets go of drains. */
export interface TargetGroupHealth extends HealthCheck {
  deregistrationDelaySeconds: number;
}

export interface TargetGroupSpec {
  name: string;
  vpcId: string;
  port: number;
  health: TargetGroupHealth;
  tags: Tag[];
}

export interface TargetGroupInfo {
  arn: string;
  name: string;
  loadBalancerArns: string[];
  /** As DescribeTargetGroups shows it (the deregistration delay is an attribute it does not show). */
  healthCheck: HealthCheck;
  /** Where the checks go: `traffic-port` (the targets' own port, as tenantflow sets it) or a port number. */
  healthCheckPort: string;
  tags: Tag[];
}

export interface TargetHealthSummary {
  healthy: number;
  total: number;
  /** Each target's state, e.g. `initial`, `healthy`, `unhealthy`, `draining`. */
  states: string[];
}

/** A listener rule forwarding requests whose tenant header matches to a target group. */
export interface ListenerRuleSpec {
  listenerArn: string;
  priority: number;
  headerName: string;
  headerValue: string;
  targetGroupArn: string;
  /**
   * A group the rule forwards to with weight 0: attached to the load balancer (ECS requires that of a
   * service's group) while every request still goes to `targetGroupArn`.
   */
  standbyTargetGroupArn?: string;
  tags: Tag[];
}

export interface ListenerRuleInfo {
  arn: string;
  /** `undefined` for the listener's default rule. */
  priority: number | undefined;
  /** Value of the tenant header condition, if the rule has one. */
  headerValue: string | undefined;
  /** The groups requests go to (weight above 0). */
  targetGroupArns: string[];
  /** Groups attached with weight 0: they receive nothing. */
  standbyTargetGroupArns: string[];
}

/** A load balancer shard's ALB to create (internet-facing, HTTP, in the shared stack's network). */
export interface LoadBalancerSpec {
  name: string;
  subnetIds: string[];
  securityGroupIds: string[];
  tags: Tag[];
}

export interface LoadBalancerInfo {
  arn: string;
  name: string;
  dnsName: string;
  /** ELBv2's state code: `provisioning`, `active`, `active_impaired` or `failed`. */
  state: string;
}

/** A listener of a load balancer. */
export interface ListenerInfo {
  arn: string;
  port: number;
}

/** ELBv2, as the sagas need it. `undefined` / `'absent'` mean "not found": never an error. */
export interface LoadBalancer {
  /** The target group of that name, with its tags. */
  findTargetGroup(name: string): Promise<TargetGroupInfo | undefined>;
  /** Creates the group with its health check and deregistration delay (the same group again, if it exists alike). */
  createTargetGroup(spec: TargetGroupSpec): Promise<TargetGroupInfo>;
  /** Brings an existing group to these health check and drain settings. */
  configureTargetGroup(arn: string, health: TargetGroupHealth): Promise<void>;
  /**
   * The group's deregistration delay in seconds (an attribute DescribeTargetGroups does not show);
   * undefined when there is no such group.
   */
  drainSeconds(targetGroupArn: string): Promise<number | undefined>;
  /**
   * Deletes the group; one that does not exist is no error (AWS answers both alike). `NotReadyError`
   * while a listener or rule still forwards to it (ResourceInUse).
   */
  deleteTargetGroup(arn: string): Promise<void>;
  targetHealth(targetGroupArn: string): Promise<TargetHealthSummary>;

  listListenerRules(listenerArn: string): Promise<ListenerRuleInfo[]>;
  /**
   * Creates the rule. A priority another rule already holds is an expected outcome, not an error:
   * it comes back as `'priority-in-use'` so the step can claim another one.
   */
  createListenerRule(spec: ListenerRuleSpec): Promise<ListenerRuleInfo | 'priority-in-use'>;
  deleteListenerRule(arn: string): Promise<'deleted' | 'absent'>;
  /**
   * Makes the rule forward to `targetGroupArn` instead (one atomic change: requests matching it go to
   * the old group until then, to the new one after). `'absent'` when there is no such rule.
   */
  /**
   * Sets these tags on a rule or a target group (a key it has takes the new value; the others stay).
   * `'absent'` when there is no such resource.
   */
  tagResource(arn: string, tags: Tag[]): Promise<'tagged' | 'absent'>;
  forwardListenerRule(
    arn: string,
    targetGroupArn: string,
    standbyTargetGroupArn?: string,
  ): Promise<'forwarded' | 'absent'>;

  /** The load balancer of that name; `undefined` when there is none. */
  findLoadBalancer(name: string): Promise<LoadBalancerInfo | undefined>;
  /**
   * Creates the load balancer (ELBv2 answers a second create of the same name and settings with the
   * same one). A name taken with other settings is a FatalError.
   */
  createLoadBalancer(spec: LoadBalancerSpec): Promise<LoadBalancerInfo>;
  /** Deletes the load balancer (and its listeners and rules); one that does not exist is no error. */
  deleteLoadBalancer(arn: string): Promise<void>;
  listListeners(loadBalancerArn: string): Promise<ListenerInfo[]>;
  /**
   * An HTTP listener on `port` whose default action answers 404 (`unknown tenant`): requests no
   * tenant's rule claims never reach a service.
   */
  createListener(spec: { loadBalancerArn: string; port: number; tags: Tag[] }): Promise<ListenerInfo>;
  deleteListener(arn: string): Promise<'deleted' | 'absent'>;

  /** Tags of target groups, rules and load balancers by ARN; an ARN that does not exist is left out. */
  tagsOf(arns: readonly string[]): Promise<Map<string, Tag[]>>;
}
