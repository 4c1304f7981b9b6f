import { loadBalancers } from './implementations.ts';
import { loadBalancerContract } from './load-balancer.contract.ts';

loadBalancerContract(loadBalancers);
