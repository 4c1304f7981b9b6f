/** The reliability suite, part 2: the fault matrix (counted into the one summary line). */
import { reportCounts } from '../support/reliability/summary.ts';
import { describeFaultMatrix } from './fault-matrix.ts';

describeFaultMatrix();

reportCounts('fault-matrix');
