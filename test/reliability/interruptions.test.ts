/** The reliability suite, part 3: kills and Ctrl-C (counted into the one summary line). */
import { reportCounts } from '../support/reliability/summary.ts';
import { describeInterruptions } from './interruptions.ts';

describeInterruptions();

reportCounts('interruptions');
