/** The reliability suite, part 5: load balancer shards under faults (counted into the one summary line). */
import { reportCounts } from '../support/reliability/summary.ts';
import { describeShardFaults } from './shard-faults.ts';
import { describeShardGrowthFaults } from './shard-growth-faults.ts';

describeShardFaults();
describeShardGrowthFaults();

reportCounts('shard-faults');
