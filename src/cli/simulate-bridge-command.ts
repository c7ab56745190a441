/**
 * `billing simulate-bridge`: a conference bridge in a box. Streams realistic CDRs to a running
 * service at a chosen rate, reconnects with backoff after a broken stream (a restart, the database
 * away) and resends what was not acknowledged, and prints what the service answered.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { createChannel, createClient, Metadata } from 'nice-grpc';
import { CdrIngestServiceDefinition } from '../gen/billing/v1/cdr_ingest_service';
import { CdrOutcome } from '../gen/billing/v1/cdr';
import { BridgeSimulator } from '../simulator/bridge-simulator';
import { generateCdrs } from '../simulator/cdr-generator';

export function registerSimulateBridgeCommand(program: Command): void {
  program
    .command('simulate-bridge')
    .description('stream simulated CDRs to a running service')
    .option('--address <host:port>', 'the service', process.env.BILLING_LISTEN_ADDR ?? '127.0.0.1:50051')
    .option('--token-file <file>', 'file holding a bridge (or admin) token', './data/admin-token')
    .option('--count <n>', 'CDRs to send', '10000')
    .option('--rate <n>', 'CDRs per second at most (0 = as fast as acknowledgements allow)', '0')
    .option('--batch <n>', 'CDRs per batch (at most 1000)', '500')
    .option('--bridge-id <id>', 'bridge id', 'sim-bridge-1')
    .option('--customers <list>', 'comma-separated customer accounts', 'CUST-1,CUST-2,CUST-3')
    .option(
      '--from <time>',
      'start time of the first call (ISO 8601)',
      new Date(Date.now() - 3_600_000).toISOString(),
    )
    .option('--seed <n>', 'random seed (the same seed sends the same CDRs again)', '1')
    .action(async (opts: Record<string, string>) => {
      const token = fs.readFileSync(opts.tokenFile!, 'utf8').trim();
      // Keepalive pings find a connection that died silently (the service's host gone) in seconds.
      const channel = createChannel(opts.address!, undefined, {
        'grpc.keepalive_time_ms': 30_000,
        'grpc.keepalive_timeout_ms': 10_000,
      });
      const client = createClient(CdrIngestServiceDefinition, channel, {
        '*': { metadata: new Metadata({ authorization: `Bearer ${token}` }) },
      });
      const cdrs = [
        ...generateCdrs(
          {
            bridgeId: opts.bridgeId!,
            customers: opts.customers!.split(','),
            from: new Date(opts.from!),
            seed: Number(opts.seed),
            recordPrefix: `s${opts.seed}`,
          },
          Number(opts.count),
        ),
      ];
      const started = performance.now();
      const report = await new BridgeSimulator(client).sendAll(cdrs, {
        batchSize: Number(opts.batch),
        ratePerSecond: Number(opts.rate) || undefined,
        onDisconnect: (error, delayMs) =>
          console.error(
            `stream broken (${(error as Error).message}); reconnecting in ${delayMs} ms to resend what was not acknowledged`,
          ),
      });
      channel.close();
      const seconds = (performance.now() - started) / 1000;
      const counts = new Map<string, number>();
      for (const r of report.results)
        counts.set(CdrOutcome[r.outcome], (counts.get(CdrOutcome[r.outcome]) ?? 0) + 1);
      console.log(
        `${report.acknowledged} CDRs acknowledged in ${seconds.toFixed(1)} s (${Math.round(report.acknowledged / seconds)}/s), ${report.reconnects} reconnects`,
      );
      for (const [outcome, n] of counts) console.log(`  ${outcome}: ${n}`);
    });
}
