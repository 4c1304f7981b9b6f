/**
 * Global setup of `npm run test:aws`: starts moto_server (moto 5.2.1, an AWS API emulator written
 * outside this project; Python, preinstalled on the CI image, `pip install 'moto[server]==5.2.1'`
 * elsewhere) on a free loopback port, and stops it after the suite. The suite fails, never skips,
 * when moto_server is missing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

/**
 * moto runs no tasks: it reports MOTO_ECS_SERVICE_RUNNING tasks for every service. The most any tier
 * of the catalogue asks for, so each service reads as fully running.
 */
const runningTasks = (): number =>
  Math.max(
    1,
    ...Object.values(loadConfig({ SBT_EVENT_BUS: 'unused' }).catalogue.tiers).map((tier) =>
      'desiredCount' in tier && typeof tier.desiredCount === 'number' ? tier.desiredCount : 1,
    ),
  );

let moto: ChildProcess | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_ECS_SERVICE_RUNNING: String(runningTasks()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const failed = new Promise<never>((_, reject) => {
    moto?.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              "moto_server is not on PATH: npm run test:aws needs moto 5.2.1 (pip install 'moto[server]==5.2.1')",
            )
          : error,
      ),
    );
    moto?.once('exit', (code) =>
      reject(new Error(`moto_server exited (${code}): ${output.join('').slice(-500)}`)),
    );
  });
  moto.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  moto.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const ready = (async () => {
    for (let attempt = 0; attempt < 150; attempt += 1) {
      try {
        const response = await fetch(`${endpoint}/moto-api/data.json`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`moto_server did not answer on ${endpoint} within 30 s`);
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => {});
  project.provide('motoEndpoint', endpoint);
  return async () => {
    moto?.removeAllListeners('exit');
    moto?.kill('SIGTERM');
  };
}
