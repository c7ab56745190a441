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
      const service = await startService(config, logger);
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
