/** Entry point of the `billing` command line. Each subcommand lives in its own file. */
import { Command } from 'commander';
import { registerBacktestCommand } from './backtest-command';
import { registerExportCommands } from './export-command';
import { registerImportCdrsCommand } from './import-cdrs-command';
import { registerInvoicesCommands } from './invoices-command';
import { registerMailingListCommand } from './mailing-list-command';
import { registerMigrateCommand } from './migrate-command';
import { registerOutboxCommands } from './outbox-command';
import { registerRatesCommands } from './rates-command';
import { registerReconcileCommand } from './reconcile-command';
import { registerRetentionCommands } from './retention-command';
import { registerRulesCommands } from './rules-commands';
import { registerServeCommand } from './serve-command';
import { registerSimulateBridgeCommand } from './simulate-bridge-command';

const program = new Command('billing').description('billing integration service').showHelpAfterError();
registerServeCommand(program);
registerMigrateCommand(program);
registerBacktestCommand(registerRulesCommands(program));
registerImportCdrsCommand(program);
registerSimulateBridgeCommand(program);
registerMailingListCommand(program);
registerReconcileCommand(program);
registerInvoicesCommands(program);
registerExportCommands(program);
registerOutboxCommands(program);
registerRatesCommands(program);
registerRetentionCommands(program);

await program.parseAsync(process.argv);
