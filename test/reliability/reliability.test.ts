/**
 * The reliability suite, part 1: the invariant checker, bad input, duplicates and races, the record
 * and placement rules, dead executions. The fault matrix and the interruptions are files of their
 * own (they run in parallel); all three count into one summary line (see summary.ts).
 */
import { reportCounts } from '../support/reliability/summary.ts';
import { describeBadInput } from './bad-input.ts';
import { describeDeadExecutions } from './dead-executions.ts';
import { describeDuplicatesAndRaces } from './duplicates-races.ts';
import { describeInvariantChecker } from './invariant-checker.ts';
import { describeRawChecker } from './raw-checker.ts';
import { describeRecordAndPlacement } from './record-placement.ts';

describeInvariantChecker();
describeRawChecker();
describeBadInput();
describeDuplicatesAndRaces();
describeRecordAndPlacement();
describeDeadExecutions();

reportCounts('reliability');
