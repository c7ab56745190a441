import type { Command } from 'commander';
import { loadConfig } from '../config/config';
import { createLogger } from '../observability/logger';
import { startService } from '../service';

/** `billing serve`: runs the service until SIGTERM or SIGINT, then stops gracefully. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the gRPC service (embedded database unless DATABASE_URL is set)')
    .action(async () => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      let service: Awaited<ReturnType<typeof startService>>;
      try {
        service = await startService(config, logger);
      } catch (error) {
        // One clear log line (the database wait already logged its own "giving up"), no stack on stderr.
        logger.fatal({ err: error }, `billing serve could not start: ${(error as Error).message}`);
        process.exitCode = 1;
        return;
      }
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) process.exit(130); // a second Ctrl-C means "now"
        logger.info({ signal }, 'shutting down');
        service.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
}
