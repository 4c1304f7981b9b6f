/**
 * The tenant's identity against moto's Cognito: the IdentityProvider contract (the same spec the fake
 * and the adapter on the simulated cloud pass), then CreateUserPool and DeleteUserPool over the
 * production adapter: the pool, its client, the tenant's group and the admin user in it, made once
 * when the step runs twice, and nothing left after the removal.
 */
import {
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, inject, it } from 'vitest';
import referenceApp from '../../infra/catalogues/reference-app.json' with { type: 'json' };
import { CognitoIdentityProvider } from '../../src/adapters/aws/index.ts';
import { parseCatalogue, placementOf } from '../../src/domain/catalogue.ts';
import type { SagaState } from '../../src/domain/saga-state.ts';
import { createUserPool, deleteUserPool } from '../../src/steps/identity.ts';
import { createFakes, testConfig } from '../support/fake-ports.ts';
import {
  identityProviderContract,
  identityProviderStrictContract,
} from '../unit/ports/identity-provider.contract.ts';

const endpoint = inject('motoEndpoint');
const cognito = () =>
  new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' },
  });

const moto = [
  {
    name: 'moto' as const,
    make: async () => new CognitoIdentityProvider({ client: cognito() }),
    gaps: ['cognito-domain-uniqueness' as const],
  },
];
identityProviderContract(moto);
// Registers nothing for moto (the gap above): Cognito's own uniqueness is held by the other two.
identityProviderStrictContract(moto);

describe('CreateUserPool and DeleteUserPool on moto', () => {
  it("makes the tenant's pool, client, group and admin user once, and removes the pool whole", async () => {
    // Prepare
    const catalogue = parseCatalogue(referenceApp, 'infra/catalogues/reference-app.json');
    const fakes = createFakes({ config: testConfig({ TIER_CATALOGUE: JSON.stringify(referenceApp) }) });
    const client = cognito();
    const deps = { ...fakes.deps, identity: new CognitoIdentityProvider({ client }) };
    const state: SagaState = {
      request: {
        operation: 'onboard',
        tenantId: 'moto-identity',
        tenantRegistrationId: 'reg-moto-identity',
        tenantName: 'Moto Identity',
        tier: 'advanced',
        attributes: { email: 'admin@moto-identity.example' },
      },
      execution: 'onboard-moto-identity',
      placement: placementOf(catalogue, 'advanced', '/'),
      resources: {},
    };
    fakes.tenants.seed({
      tenantId: 'moto-identity',
      placement: state.placement,
      lifecycleStatus: 'PROVISIONING',
      lock: { execution: state.execution, operation: 'onboard', since: '2025-01-01T00:00:00.000Z' },
    });
    const ctx = { machine: 'onboarding' as const, execution: state.execution };

    // Act
    const made = await createUserPool(state, deps, ctx);
    const again = await createUserPool(made, deps, ctx);
    const identity = made.resources.identity;
    const poolId = identity?.userPoolId ?? '';
    const pool = await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 10 }));
    const groups = await client.send(
      new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'admin@moto-identity.example' }),
    );
    const removed = await deleteUserPool(again, deps, ctx);
    const gone = await deps.identity.describeUserPool(poolId);

    // Assess
    expect(again.resources.identity).toEqual(identity);
    expect(pool.UserPool?.UserPoolTags).toMatchObject({
      'tenantflow:tenant-id': 'moto-identity',
      'tenantflow:managed-by': 'tenantflow',
    });
    expect(clients.UserPoolClients?.map((c) => [c.ClientName, c.ClientId])).toEqual([
      ['web', identity?.appClientId],
    ]);
    expect(groups.Groups?.map((group) => group.GroupName)).toEqual(['moto-identity']);
    expect(removed.resources.identity).toBeUndefined();
    expect(gone).toBeUndefined();
    expect(await deps.identity.findUserPools(identity?.name ?? '')).toEqual([]);
  });
});
