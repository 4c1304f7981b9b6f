import { tableStores } from './implementations.ts';
import { tableStoreContract } from './table-store.contract.ts';

tableStoreContract(tableStores);
