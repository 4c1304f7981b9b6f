import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LambdaInvoker, queueUrlNamed, SqsDeadLetterQueue } from '../../adapters/aws/index.ts';
import { type RedriveItem, redrive } from '../../app/redrive.ts';
import { deadLetterQueueNameIn, deployedFunctionName } from '../../domain/deployment.ts';
import { TenantFlowError } from '../../domain/errors.ts';
import type { Command } from '../args.ts';
import { type CliIo, EXIT } from '../io.ts';

type RedriveCommand = Extract<Command, { name: 'redrive' }>;

/** The AWS clients the command uses (tests pass mocked ones). */
export interface RedriveClients {
  sqs: SQSClient;
  lambda: LambdaClient;
}

/** Clients for the command's region and profile, through the SDK's default credential chain. */
export const redriveClients = (command: RedriveCommand): RedriveClients => {
  if (command.profile) process.env.AWS_PROFILE = command.profile;
  const config = command.region ? { region: command.region } : {};
  return { sqs: new SQSClient(config), lambda: new LambdaClient(config) };
};

const line = (item: RedriveItem): string =>
  `${item.outcome.padEnd(8)} ${item.id} ${item.what}${item.reason ? ` (${item.reason})` : ''}`;

/**
 * `redrive <ingress|watcher>`: hands what the function's dead-letter queue holds back to the deployed
 * function, as EventBridge would have (each event, asynchronously), and removes each letter once
 * the function took it. `--dry-run` only lists them.
 */
export const redriveDeadLetters = async (
  command: RedriveCommand,
  io: CliIo,
  clients: RedriveClients = redriveClients(command),
): Promise<number> => {
  try {
    const queueUrl =
      command.queueUrl ??
      (await queueUrlNamed(clients.sqs, deadLetterQueueNameIn(command.stage, command.function)));
    const functionName = deployedFunctionName(command.stage, command.function);
    io.err(`${command.dryRun ? 'looking at' : 'redriving'} ${queueUrl} → ${functionName}`);
    const items = await redrive({
      queue: new SqsDeadLetterQueue({ client: clients.sqs, queueUrl }),
      invoker: new LambdaInvoker({ client: clients.lambda, functionName }),
      dryRun: command.dryRun,
      max: command.max,
      onItem: (item) => io.out(command.json ? JSON.stringify(item) : line(item)),
    });
    const count = (outcome: RedriveItem['outcome']) => items.filter((i) => i.outcome === outcome).length;
    io.err(
      items.length === 0
        ? 'the queue is empty'
        : `${count('redriven')} redriven, ${count('seen')} seen, ${count('kept')} kept (unreadable)`,
    );
    return count('kept') > 0 ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (!(error instanceof TenantFlowError)) throw error;
    io.err(`tenantflow: ${error.message}`);
    return EXIT.failed;
  }
};
