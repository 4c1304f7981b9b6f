/**
 * What tells an operator something is wrong without anyone looking: dead-letter queues for the
 * functions EventBridge invokes, alarms on an SNS topic (with an optional email subscription), and a
 * dashboard. Metric names are the ones the handlers emit (Powertools, namespace `tenantflow`,
 * dimension `service=tenantflow`).
 */

import { METRIC_NAMESPACE, METRIC_SERVICE, METRICS } from '../../src/domain/metrics.ts';
import { OPERATIONS } from '../../src/domain/operations.ts';
import { MACHINE_IDS, type MachineId } from '../../src/domain/saga.ts';
import catalogue from '../tier-catalogue.json' with { type: 'json' };
import type { Json } from './asl.ts';
import { arn } from './iam.ts';
import {
  DEAD_LETTERED,
  type DeadLettered,
  type DeploySettings,
  deadLetterQueueName,
  LOGICAL_IDS,
  namePrefix,
} from './names.ts';

const NAMESPACE = METRIC_NAMESPACE;
const SERVICE = { Name: 'service', Value: METRIC_SERVICE };
/** Failed-event and failed-invocation records are kept this long (the SQS maximum, 14 days). */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

/** The tiers of the bundled catalogue: one failure alarm each (see README: a replaced catalogue keeps these). */
export const ALARMED_TIERS = Object.keys(catalogue.tiers);

const topic = { Ref: LOGICAL_IDS.alarmTopic };
const machineArn = (id: MachineId) => ({ Ref: LOGICAL_IDS.stateMachines[id] });

const pascal = (value: string): string =>
  value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');

/**
 * The alarms, dead-letter queues and dashboard of an installation: its template conditions and
 * resources by logical id.
 */
export const monitoring = (s: DeploySettings) => {
  /** Nothing reaches a queue or topic over plain HTTP: every request without TLS is refused. */
  const denyUnencrypted = (action: string, resource: Json) => ({
    Sid: 'DenyWithoutTls',
    Effect: 'Deny',
    Principal: '*',
    Action: action,
    Resource: resource,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });

  /** A CloudWatch metric (`MetricStat`) query that feeds an expression. */
  const query = (id: string, metric: Record<string, Json>, stat: string, period = 300) => ({
    Id: id,
    MetricStat: { Metric: metric, Period: period, Stat: stat },
    ReturnData: false,
  });

  const alarm = (
    name: string,
    description: string,
    body: Record<string, Json>,
    threshold: Json,
    options: { periods?: number; missing?: 'notBreaching' | 'missing' } = {},
  ) => ({
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${namePrefix(s)}-${name}`,
      AlarmDescription: description,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: threshold,
      EvaluationPeriods: options.periods ?? 1,
      DatapointsToAlarm: options.periods ?? 1,
      TreatMissingData: options.missing ?? 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
      ...body,
    },
  });

  /** Sum of several queries, each gap counted as zero. */
  const sumOf = (ids: string[]) => ids.map((id) => `FILL(${id}, 0)`).join(' + ');

  const tierFailures = (tier: string) => {
    const queries = OPERATIONS.map((operation, index) =>
      query(
        `m${index}`,
        {
          Namespace: NAMESPACE,
          MetricName: METRICS.lifecycleFailed,
          Dimensions: [SERVICE, { Name: 'tier', Value: tier }, { Name: 'operation', Value: operation }],
        },
        'Sum',
      ),
    );
    return alarm(
      `lifecycle-failures-${tier}`,
      `A ${tier} tenant's lifecycle operation (${OPERATIONS.join(', ')}) failed: see the tenant's status and lastError.`,
      {
        Metrics: [
          {
            Id: 'failures',
            Expression: sumOf(queries.map((q) => q.Id)),
            Label: `${tier} failures`,
            ReturnData: true,
          },
          ...queries,
        ],
      },
      1,
    );
  };

  const deadExecutions = () => {
    const queries = MACHINE_IDS.flatMap((id, index) =>
      ['ExecutionsTimedOut', 'ExecutionsAborted'].map((metric, n) =>
        query(
          `m${index}${n}`,
          {
            Namespace: 'AWS/States',
            MetricName: metric,
            Dimensions: [{ Name: 'StateMachineArn', Value: machineArn(id) }],
          },
          'Sum',
        ),
      ),
    );
    return alarm(
      'executions-timed-out-or-aborted',
      'A saga execution timed out or was aborted: the watcher reports it and cleans up; check the tenant.',
      {
        Metrics: [
          {
            Id: 'dead',
            Expression: sumOf(queries.map((q) => q.Id)),
            Label: 'timed out or aborted',
            ReturnData: true,
          },
          ...queries,
        ],
      },
      1,
    );
  };

  const staleLocks = () =>
    alarm(
      'tenants-locked-past-bound',
      "A tenant is still locked long after its saga's time bound: `tenantflow abort` / `retry` it.",
      {
        Namespace: NAMESPACE,
        MetricName: METRICS.staleLocks,
        Dimensions: [SERVICE],
        Statistic: 'Maximum',
        Period: 300,
      },
      1,
      { missing: 'missing' },
    );

  /** More than a fifth of the step invocations throttled, three periods running. */
  const throttling = () =>
    alarm(
      'steps-throttled',
      'More than 20% of saga step invocations hit AWS API rate limits for 15 minutes.',
      {
        Metrics: [
          {
            Id: 'rate',
            Expression: 'IF(FILL(calls, 0) > 0, 100 * FILL(throttled, 0) / calls, 0)',
            Label: 'throttled steps (%)',
            ReturnData: true,
          },
          query(
            'calls',
            { Namespace: NAMESPACE, MetricName: METRICS.stepInvocations, Dimensions: [SERVICE] },
            'Sum',
          ),
          query(
            'throttled',
            { Namespace: NAMESPACE, MetricName: METRICS.stepThrottled, Dimensions: [SERVICE] },
            'Sum',
          ),
        ],
      },
      20,
      { periods: 3 },
    );

  const deadLetterDepth = (name: DeadLettered) =>
    alarm(
      `${name}-dead-letters`,
      `Events the ${name} function could not handle are waiting in its dead-letter queue: \`tenantflow redrive --queue ${name}\`.`,
      {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [LOGICAL_IDS.deadLetters[name], 'QueueName'] } },
        ],
        Statistic: 'Maximum',
        Period: 300,
      },
      1,
    );

  const onboardingDuration = () =>
    alarm(
      'onboarding-p95-duration',
      'The 95th percentile of onboarding executions took longer than the onboardingP95Seconds param over an hour.',
      {
        Metrics: [
          { Id: 'seconds', Expression: 'p95ms / 1000', Label: 'onboarding p95 (s)', ReturnData: true },
          query(
            'p95ms',
            {
              Namespace: 'AWS/States',
              MetricName: 'ExecutionTime',
              Dimensions: [{ Name: 'StateMachineArn', Value: machineArn('onboarding') }],
            },
            'p95',
            3600,
          ),
        ],
      },
      s.onboardingP95Seconds,
    );

  const deadLetterQueue = (name: DeadLettered) => ({
    Type: 'AWS::SQS::Queue',
    // Events waiting for a redrive outlive a stack update that would replace the queue.
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      QueueName: deadLetterQueueName(s, name),
      MessageRetentionPeriod: DEAD_LETTER_RETENTION_SECONDS,
      SqsManagedSseEnabled: true,
    },
  });

  /**
   * The rules whose undelivered events may go into a dead-letter queue: the function's own rules
   * (named as osls names them), or for an ingress behind an SBT event manager, the rules on SBT's bus.
   */
  const deadLetterSources = (name: DeadLettered) =>
    name === 'ingress' && s.ingressRules === 'bus'
      ? arn('events', `rule/${s.eventBus}/*`)
      : arn('events', `rule/*${namePrefix(s)}-${name}-rule-*`);

  /** EventBridge puts what it could not deliver into the queue (its rule's dead-letter config). */
  const deadLetterQueuePolicy = (name: DeadLettered) => ({
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: LOGICAL_IDS.deadLetters[name] }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [LOGICAL_IDS.deadLetters[name], 'Arn'] },
            Condition: { ArnLike: { 'aws:SourceArn': deadLetterSources(name) } },
          },
          denyUnencrypted('sqs:*', { 'Fn::GetAtt': [LOGICAL_IDS.deadLetters[name], 'Arn'] }),
        ],
      },
    },
  });

  /** Lambda's own retries of an asynchronous invocation (2), then its on-failure destination. */
  const onFailure = (name: DeadLettered) => ({
    Type: 'AWS::Lambda::EventInvokeConfig',
    Properties: {
      FunctionName: { Ref: LOGICAL_IDS.functions[name] },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [LOGICAL_IDS.deadLetters[name], 'Arn'] } },
      },
    },
  });

  /** The dashboard: onboardings per tier and outcome over time, and what the alarms watch. */
  const dashboard = () => {
    const search = (metric: string) =>
      `SEARCH('{${NAMESPACE},operation,service,tier} MetricName="${metric}" operation="onboard"', 'Sum', 3600)`;
    const widget = (
      title: string,
      metrics: Json[],
      x: number,
      y: number,
      extra: Record<string, Json> = {},
    ) => ({
      type: 'metric',
      x,
      y,
      width: 12,
      height: 6,
      properties: {
        title,
        region: `\${AWS::Region}`,
        view: 'timeSeries',
        stat: 'Sum',
        period: 3600,
        metrics,
        ...extra,
      },
    });
    const machines = MACHINE_IDS.flatMap((id) =>
      ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map((metric) => [
        'AWS/States',
        metric,
        'StateMachineArn',
        `\${${id}}`,
        { label: `${id} ${metric.replace('Executions', '').toLowerCase()}` },
      ]),
    );
    const body = {
      widgets: [
        widget(
          'Onboardings per tier and outcome',
          [
            [{ expression: search(METRICS.lifecycleSucceeded), id: 'succeeded', label: 'succeeded' }],
            [{ expression: search(METRICS.lifecycleFailed), id: 'failed', label: 'failed' }],
          ],
          0,
          0,
        ),
        widget('Executions failed, timed out, aborted', machines, 12, 0),
        widget(
          'Onboarding duration (ms)',
          [
            [
              'AWS/States',
              'ExecutionTime',
              'StateMachineArn',
              `\${onboarding}`,
              { stat: 'p50', label: 'p50' },
            ],
            [
              'AWS/States',
              'ExecutionTime',
              'StateMachineArn',
              `\${onboarding}`,
              { stat: 'p95', label: 'p95' },
            ],
          ],
          0,
          6,
        ),
        widget(
          'Step invocations and throttles',
          [
            [NAMESPACE, METRICS.stepInvocations, SERVICE.Name, SERVICE.Value],
            [NAMESPACE, METRICS.stepThrottled, SERVICE.Name, SERVICE.Value],
          ],
          12,
          6,
          { period: 300 },
        ),
        widget(
          'Dead letters and stuck tenants',
          [
            ...DEAD_LETTERED.map((name) => [
              'AWS/SQS',
              'ApproximateNumberOfMessagesVisible',
              'QueueName',
              `\${${name}Queue}`,
              { stat: 'Maximum', label: `${name} dead letters` },
            ]),
            [
              NAMESPACE,
              METRICS.staleLocks,
              SERVICE.Name,
              SERVICE.Value,
              { stat: 'Maximum', label: 'tenants locked past bound' },
            ],
          ],
          0,
          12,
          { period: 300 },
        ),
      ],
    };
    return {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        DashboardName: namePrefix(s),
        DashboardBody: {
          'Fn::Sub': [
            JSON.stringify(body),
            {
              ...Object.fromEntries(MACHINE_IDS.map((id) => [id, machineArn(id)])),
              ...Object.fromEntries(
                DEAD_LETTERED.map((name) => [
                  `${name}Queue`,
                  { 'Fn::GetAtt': [LOGICAL_IDS.deadLetters[name], 'QueueName'] },
                ]),
              ),
            },
          ],
        },
      },
    };
  };

  /** The template conditions monitoring needs. */
  const conditions = () => ({
    HasAlarmEmail: { 'Fn::Not': [{ 'Fn::Equals': [s.alarmEmail, ''] }] },
  });

  /** Every monitoring resource, by logical id. */
  const resources = () => ({
    [LOGICAL_IDS.alarmTopic]: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: `${namePrefix(s)}-alarms`, DisplayName: 'tenantflow alarms' },
    },
    [`${LOGICAL_IDS.alarmTopic}Policy`]: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [topic],
        PolicyDocument: { Version: '2012-10-17', Statement: [denyUnencrypted('sns:Publish', topic)] },
      },
    },
    [LOGICAL_IDS.alarmEmailSubscription]: {
      Type: 'AWS::SNS::Subscription',
      Condition: 'HasAlarmEmail',
      Properties: { TopicArn: topic, Protocol: 'email', Endpoint: s.alarmEmail },
    },
    ...Object.fromEntries(
      DEAD_LETTERED.flatMap((name) => [
        [LOGICAL_IDS.deadLetters[name], deadLetterQueue(name)],
        [`${LOGICAL_IDS.deadLetters[name]}Policy`, deadLetterQueuePolicy(name)],
        [`${LOGICAL_IDS.functions[name].replace('LambdaFunction', '')}OnFailure`, onFailure(name)],
        [`${LOGICAL_IDS.deadLetters[name]}Alarm`, deadLetterDepth(name)],
      ]),
    ),
    ...Object.fromEntries(
      ALARMED_TIERS.map((tier) => [`LifecycleFailures${pascal(tier)}Alarm`, tierFailures(tier)]),
    ),
    DeadExecutionsAlarm: deadExecutions(),
    StaleLocksAlarm: staleLocks(),
    ThrottlingAlarm: throttling(),
    OnboardingDurationAlarm: onboardingDuration(),
    [LOGICAL_IDS.dashboard]: dashboard(),
  });

  return { conditions: conditions(), resources: resources() };
};

/** Stack outputs for operators. */
export const monitoringOutputs = () => ({
  AlarmTopicArn: { Description: 'SNS topic the alarms notify', Value: topic },
  ...Object.fromEntries(
    DEAD_LETTERED.map((name) => [
      `${pascal(name)}DeadLetterQueueUrl`,
      {
        Description: `Dead-letter queue of the ${name} function`,
        Value: { Ref: LOGICAL_IDS.deadLetters[name] },
      },
    ]),
  ),
});
