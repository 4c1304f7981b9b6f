/** Runs in every test file (vitest setupFiles): whatever the file made in the temp dir goes away. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs.ts';

afterAll(removeTempDirs);
