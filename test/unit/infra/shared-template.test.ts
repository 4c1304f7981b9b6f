import { describe, expect, it } from 'vitest';
import { readTemplate } from '../../../infra/template.ts';
import { MAX_SHARDS } from '../../../src/domain/shards.ts';
import { sharedStack } from '../../../src/local/sim/shared-stack.ts';

const template = readTemplate();

const ofType = (type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
const resource = (logicalId: string) => {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found;
};

/** The keys the orchestrator's CloudFormation adapter reads (src/ports/shared-infrastructure.ts). */
const OUTPUT_KEYS = [
  'VpcId',
  'PrivateSubnetIds',
  'ServiceSecurityGroupId',
  // Where the shard machine puts the load balancers it adds.
  'PublicSubnetIds',
  'LoadBalancerSecurityGroupId',
  'LoadBalancerArn',
  'ListenerArn',
  'LoadBalancerDnsName',
  ...Array.from({ length: MAX_SHARDS - 1 }, (_, i) =>
    ['LoadBalancerArn', 'ListenerArn', 'DnsName'].map((key) => `Shard${i + 2}${key}`),
  ).flat(),
  'ClusterName',
  'PooledServiceName',
  'PooledTargetGroupArn',
  'TaskExecutionRoleArn',
  'TaskRoleArn',
  'LogGroupName',
  'TenantImage',
  'ContainerPort',
];

describe('infra/shared.yaml', () => {
  it('has exactly the outputs the orchestrator reads, each exported as <stack>-<key>', () => {
    // Prepare
    const outputs = template.Outputs;

    // Act
    const exports = Object.entries(outputs).map(([key, output]) => [key, output.Export?.Name]);

    // Assess
    expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_KEYS].sort());
    expect(exports).toEqual(
      Object.keys(outputs).map((key) => [key, { 'Fn::Sub': `\${AWS::StackName}-${key}` }]),
    );
    expect(outputs.PrivateSubnetIds?.Value).toEqual({
      'Fn::Join': [',', [{ Ref: 'PrivateSubnet1' }, { Ref: 'PrivateSubnet2' }]],
    });
    expect(outputs.PublicSubnetIds?.Value).toEqual({
      'Fn::Join': [',', [{ Ref: 'PublicSubnet1' }, { Ref: 'PublicSubnet2' }]],
    });
    expect(outputs.LoadBalancerSecurityGroupId?.Value).toEqual({
      'Fn::GetAtt': ['AlbSecurityGroup', 'GroupId'],
    });
  });

  it('declares each further load balancer shard as the first, made exactly when LoadBalancerShards reaches it', () => {
    // Prepare
    const counts = Array.from({ length: MAX_SHARDS }, (_, i) => i + 1);

    // Act
    const made = counts.map((count) => {
      const stack = sharedStack('s', 'us-east-1', '000000000000', { LoadBalancerShards: String(count) });
      return Array.from({ length: MAX_SHARDS - 1 }, (_, i) => stack.creates(`LoadBalancer${i + 2}`));
    });

    // Assess
    expect(template.Parameters.LoadBalancerShards).toMatchObject({ Default: 1, AllowedValues: counts });
    expect(made).toEqual(counts.map((count) => counts.slice(1).map((n) => n <= count)));
    for (let n = 2; n <= MAX_SHARDS; n += 1) {
      expect(resource(`LoadBalancer${n}`).Properties).toEqual(resource('LoadBalancer').Properties);
      expect(resource(`Listener${n}`).Properties).toEqual({
        ...resource('Listener').Properties,
        LoadBalancerArn: { Ref: `LoadBalancer${n}` },
      });
      for (const id of [`LoadBalancer${n}`, `Listener${n}`]) expect(resource(id).Condition).toBe(`Shard${n}`);
      for (const key of ['LoadBalancerArn', 'DnsName'])
        expect(template.Outputs[`Shard${n}${key}`]).toMatchObject({ Condition: `Shard${n}` });
      // Always exported (the orchestrator's IAM imports it): the first listener when not declared.
      expect(template.Outputs[`Shard${n}ListenerArn`]).toEqual({
        Value: { 'Fn::If': [`Shard${n}`, { Ref: `Listener${n}` }, { Ref: 'Listener' }] },
        Export: { Name: { 'Fn::Sub': `\${AWS::StackName}-Shard${n}ListenerArn` } },
      });
    }
  });

  it('defaults the tenant image and container port', () => {
    // Prepare
    const parameters = template.Parameters;

    // Act
    const image = parameters.TenantImage;
    const port = parameters.ContainerPort;

    // Assess
    expect(image).toMatchObject({ Type: 'String', Default: 'public.ecr.aws/nginx/nginx:stable' });
    expect(port).toMatchObject({ Type: 'Number', Default: 80 });
    expect(template.Outputs.TenantImage?.Value).toEqual({ Ref: 'TenantImage' });
    expect(template.Outputs.ContainerPort?.Value).toEqual({ Ref: 'ContainerPort' });
  });

  it('has two private subnets that never map a public IP, and the pooled service uses them without one', () => {
    // Prepare
    const subnets = ofType('AWS::EC2::Subnet');

    // Act
    const privateSubnets = subnets.filter(([id]) => id.startsWith('Private'));
    const service = resource('PooledService').Properties;

    // Assess
    expect(privateSubnets.map(([id]) => id)).toEqual(['PrivateSubnet1', 'PrivateSubnet2']);
    for (const [, subnet] of privateSubnets) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    expect(service.NetworkConfiguration).toEqual({
      AwsvpcConfiguration: {
        AssignPublicIp: 'DISABLED',
        Subnets: [{ Ref: 'PrivateSubnet1' }, { Ref: 'PrivateSubnet2' }],
        SecurityGroups: [{ Ref: 'ServiceSecurityGroup' }],
      },
    });
  });

  it('routes the private subnets to no internet gateway', () => {
    // Prepare
    const routes = ofType('AWS::EC2::Route');

    // Act
    const privateRoutes = routes.filter(([, route]) =>
      JSON.stringify(route.Properties.RouteTableId).includes('Private'),
    );

    // Assess
    expect(privateRoutes).toHaveLength(1);
    expect(privateRoutes[0]?.[1].Properties).not.toHaveProperty('GatewayId');
    expect(privateRoutes[0]?.[1].Properties.NatGatewayId).toEqual({ Ref: 'NatGateway' });
  });

  it("answers 404 on the listener's default action", () => {
    // Prepare
    const listener = resource('Listener');

    // Act
    const actions = listener.Properties.DefaultActions;

    // Assess
    expect(listener.Properties).toMatchObject({
      Port: 80,
      Protocol: 'HTTP',
      LoadBalancerArn: { Ref: 'LoadBalancer' },
    });
    expect(actions).toEqual([
      {
        Type: 'fixed-response',
        FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'unknown tenant' },
      },
    ]);
  });

  it('opens the service security group to the ALB security group only', () => {
    // Prepare
    const service = resource('ServiceSecurityGroup');

    // Act
    const ingress = service.Properties.SecurityGroupIngress;
    const separateRules = ofType('AWS::EC2::SecurityGroupIngress');

    // Assess
    expect(ingress).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: { Ref: 'ContainerPort' },
        ToPort: { Ref: 'ContainerPort' },
        SourceSecurityGroupId: { Ref: 'AlbSecurityGroup' },
        Description: 'from the ALB only',
      },
    ]);
    expect(separateRules).toEqual([]);
    expect(resource('AlbSecurityGroup').Properties.SecurityGroupIngress).toEqual([
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0', Description: 'HTTP' },
    ]);
  });

  it('runs the shared cluster on Fargate and Fargate Spot with Container Insights', () => {
    // Prepare
    const cluster = resource('Cluster').Properties;

    // Act
    const providers = cluster.CapacityProviders;

    // Assess
    expect(providers).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(cluster.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
  });

  it('deploys the pooled service with a rolling-back circuit breaker behind a catch-all rule', () => {
    // Prepare
    const service = resource('PooledService').Properties;

    // Act
    const rule = resource('PooledListenerRule').Properties;

    // Assess
    expect(service.DeploymentConfiguration).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
    });
    expect(service.LoadBalancers).toEqual([
      {
        ContainerName: 'app',
        ContainerPort: { Ref: 'ContainerPort' },
        TargetGroupArn: { Ref: 'PooledTargetGroup' },
      },
    ]);
    expect(rule).toMatchObject({
      ListenerArn: { Ref: 'Listener' },
      Priority: 50000,
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: 'PooledTargetGroup' } }],
    });
    expect(resource('PooledTaskDefinition').Properties).toMatchObject({
      NetworkMode: 'awsvpc',
      RequiresCompatibilities: ['FARGATE'],
    });
  });
});
