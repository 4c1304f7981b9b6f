/** The reliability suite, part 4: tier migration, every pair (counted into the one summary line). */
import { reportCounts } from '../support/reliability/summary.ts';
import { describeMigrations } from './migration.ts';

describeMigrations();

reportCounts('migration');
