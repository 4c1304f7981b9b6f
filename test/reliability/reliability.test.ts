/**
 * The reliability suite (issue 5): one test file, so the scenarios share one set of counters and
 * the run ends with one summary line computed from them.
 */
import { afterAll } from 'vitest';
import { snapshot, summaryLine } from '../support/reliability/counters.ts';
import { removeWorldDirs } from '../support/reliability/world.ts';
import { describeBadInput } from './bad-input.ts';
import { describeDeadExecutions } from './dead-executions.ts';
import { describeDuplicatesAndRaces } from './duplicates-races.ts';
import { describeFaultMatrix } from './fault-matrix.ts';
import { describeInvariantChecker } from './invariant-checker.ts';
import { describeRecordAndPlacement } from './record-placement.ts';

describeInvariantChecker();
describeBadInput();
describeDuplicatesAndRaces();
describeRecordAndPlacement();
describeDeadExecutions();
describeFaultMatrix();

afterAll(() => {
  removeWorldDirs();
  console.log(summaryLine(snapshot()));
});
