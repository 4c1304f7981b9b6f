import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';
import { z } from 'zod';

/**
 * CloudFormation's short-form tags (`!Ref`, `!Sub`, …) as the long form (`{ Ref: … }`), so the
 * template reads as the JSON CloudFormation sees. `yaml` (2.x, present through asl-validator) is used
 * because it ships its own types; js-yaml (through osls) has none.
 */
const INTRINSICS = [
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Select',
  'Split',
  'Sub',
];
const cloudFormationTags: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  { tag: '!GetAtt', collection: 'seq', resolve: (value) => ({ 'Fn::GetAtt': value.toJSON() }) },
  ...INTRINSICS.flatMap((name) => [
    { tag: `!${name}`, resolve: (value: string) => ({ [`Fn::${name}`]: value }) },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (value: { toJSON(): unknown }) => ({ [`Fn::${name}`]: value.toJSON() }),
    },
  ]),
];

const resourceSchema = z.object({
  Type: z.string(),
  Properties: z.record(z.string(), z.unknown()).default({}),
});
const templateSchema = z.object({
  Parameters: z.record(z.string(), z.looseObject({ Type: z.string(), Default: z.unknown().optional() })),
  Resources: z.record(z.string(), resourceSchema),
  Outputs: z.record(
    z.string(),
    z.looseObject({ Value: z.unknown(), Export: z.object({ Name: z.unknown() }) }),
  ),
});

const templatePath = fileURLToPath(new URL('../../../infra/shared.yaml', import.meta.url));
const template = templateSchema.parse(
  parse(readFileSync(templatePath, 'utf8'), { customTags: cloudFormationTags }),
);

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
  'LoadBalancerArn',
  'ListenerArn',
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
    const exports = Object.entries(outputs).map(([key, output]) => [key, output.Export.Name]);

    // Assess
    expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_KEYS].sort());
    expect(exports).toEqual(
      Object.keys(outputs).map((key) => [key, { 'Fn::Sub': `\${AWS::StackName}-${key}` }]),
    );
    expect(outputs.PrivateSubnetIds?.Value).toEqual({
      'Fn::Join': [',', [{ Ref: 'PrivateSubnet1' }, { Ref: 'PrivateSubnet2' }]],
    });
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
