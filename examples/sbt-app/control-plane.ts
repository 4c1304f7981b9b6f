import { EventBus, type IRuleTarget, Rule } from 'aws-cdk-lib/aws-events';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { SbtEventDefinition, SbtEventManager } from '../../infra/cdk/tenantflow.ts';

/**
 * A stand-in for SBT 0.9's control plane, as far as an application plane sees it: its event bus and
 * an event manager of `IEventManager`'s shape (`@cdklabs/sbt-aws` src/utils/event-manager.ts). The
 * npm registry here serves only SBT 0.5, which predates that interface; with SBT 0.9 or later, pass
 * `new ControlPlane(...).eventManager` instead.
 */

/** SBT's standard events: `sbt_aws_<name>`, requests from the control plane, answers from us. */
const CONTROL_PLANE_EVENTS = [
  'onboardingRequest',
  'offboardingRequest',
  'activateRequest',
  'deactivateRequest',
];
const APPLICATION_PLANE_EVENTS = [
  'provisionSuccess',
  'provisionFailure',
  'deprovisionSuccess',
  'deprovisionFailure',
  'activateSuccess',
  'activateFailure',
  'deactivateSuccess',
  'deactivateFailure',
];

export class StandInEventManager extends Construct implements SbtEventManager {
  readonly bus: EventBus;
  readonly busName: string;
  readonly busArn: string;
  readonly controlPlaneEventSource = 'sbt.control.plane';
  readonly applicationPlaneEventSource = 'sbt.application.plane';
  readonly events: { readonly [name: string]: SbtEventDefinition };
  /** One rule per event, as SBT's event manager keeps them, with every target added to it. */
  readonly rules = new Map<string, Rule>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: 'sbt-control-plane' });
    this.busName = this.bus.eventBusName;
    this.busArn = this.bus.eventBusArn;
    this.events = Object.fromEntries([
      ...CONTROL_PLANE_EVENTS.map((name) => [name, this.createControlPlaneEvent(`sbt_aws_${name}`)]),
      ...APPLICATION_PLANE_EVENTS.map((name) => [name, this.createApplicationPlaneEvent(`sbt_aws_${name}`)]),
    ]);
  }

  createControlPlaneEvent(detailType: string): SbtEventDefinition {
    return { detailType, source: this.controlPlaneEventSource };
  }

  createApplicationPlaneEvent(detailType: string): SbtEventDefinition {
    return { detailType, source: this.applicationPlaneEventSource };
  }

  createCustomEvent(detailType: string, source: string): SbtEventDefinition {
    return { detailType, source };
  }

  addTargetToEvent(
    scope: Construct,
    props: { eventDefinition: SbtEventDefinition; target: IRuleTarget },
  ): void {
    const { detailType, source } = props.eventDefinition;
    const key = `${source}/${detailType}`;
    let rule = this.rules.get(key);
    if (!rule) {
      rule = new Rule(scope, `${detailType}Rule`, {
        eventBus: this.bus,
        eventPattern: { source: [source], detailType: [detailType] },
      });
      this.rules.set(key, rule);
    }
    rule.addTarget(props.target);
  }

  grantPutEventsTo(grantee: IGrantable): void {
    this.bus.grantPutEventsTo(grantee);
  }
}

/** The control plane's side of the example: SBT's bus and its event manager. */
export class ControlPlaneStandIn extends Construct {
  readonly eventManager: StandInEventManager;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.eventManager = new StandInEventManager(this, 'EventManager');
  }
}
