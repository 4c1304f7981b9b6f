import { containerPlatformContract } from './container-platform.contract.ts';
import { containerPlatforms } from './implementations.ts';

containerPlatformContract(containerPlatforms);
