import { identityProviderContract, identityProviderStrictContract } from './identity-provider.contract.ts';
import { identityProviders } from './implementations.ts';

identityProviderContract(identityProviders);
identityProviderStrictContract(identityProviders);
