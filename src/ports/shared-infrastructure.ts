/** The shared infrastructure tenants are provisioned into, read from a CloudFormation stack's outputs. */
export interface SharedInfrastructure {
  vpcId: string;
  privateSubnetIds: string[];
  serviceSecurityGroupId: string;
  loadBalancerArn: string;
  listenerArn: string;
  clusterName: string;
  pooledServiceName: string;
  pooledTargetGroupArn: string;
  executionRoleArn: string;
  taskRoleArn: string;
  logGroupName: string;
  tenantImage: string;
  containerPort: number;
}

/** Looks the shared infrastructure up once per container (the adapter caches it). */
export interface SharedInfrastructureLookup {
  get(): Promise<SharedInfrastructure>;
}
