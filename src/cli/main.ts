/** Entry point of the `billing` command line. Each subcommand lives in its own file. */
import { Command } from 'commander';
import { registerMigrateCommand } from './migrate-command';
import { registerServeCommand } from './serve-command';

const program = new Command('billing').description('billing integration service').showHelpAfterError();
registerServeCommand(program);
registerMigrateCommand(program);

await program.parseAsync(process.argv);
