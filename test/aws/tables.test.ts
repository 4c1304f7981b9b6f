/**
 * Tenants' own tables against moto's DynamoDB: the TableStore contract (the same spec the fake and the
 * adapter on the simulated cloud pass), over the production adapter.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { DynamoTableStore } from '../../src/adapters/aws/index.ts';
import { tableStoreContract } from '../unit/ports/table-store.contract.ts';

const endpoint = inject('motoEndpoint');

tableStoreContract([
  {
    name: 'moto',
    make: async () =>
      new DynamoTableStore({
        client: new DynamoDBClient({
          region: 'us-east-1',
          endpoint,
          credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' },
        }),
      }),
  },
]);
