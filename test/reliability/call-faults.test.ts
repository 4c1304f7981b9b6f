/** The reliability suite, part 6: faults on every AWS call of each step past its first (counted into the one summary line). */
import { count } from '../support/reliability/counters.ts';
import { reportCounts } from '../support/reliability/summary.ts';
import { CALL_FAULT_CASES, describeCallFaults, distinctPoints, probe } from './call-faults.ts';

// Which calls each step makes is known only from a run: probed before the scenarios are declared.
const all = [];
for (const c of CALL_FAULT_CASES) all.push(await probe(c));
const probed = distinctPoints(all);
count(
  'callsFaulted',
  probed.reduce((sum, p) => sum + p.points.length, 0),
);

describeCallFaults(probed);

reportCounts('call-faults');
