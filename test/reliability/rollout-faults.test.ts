/** The reliability suite, part 4: the rollout machine under faults (counted into the one summary line). */
import { reportCounts } from '../support/reliability/summary.ts';
import { describePooledRolloutFaults, describeRolloutFaults } from './rollout-faults.ts';

describeRolloutFaults();
describePooledRolloutFaults();

reportCounts('rollout-faults');
