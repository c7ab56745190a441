/**
 * Watches `grpc.health.v1.Health/Check` the way a load balancer would: asks every `intervalMs`
 * and keeps the sequence of distinct answers, so a test can wait for a status and show what it saw.
 */
import { createClient, type Channel } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus as ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health';

export type HealthAnswer = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'NO_ANSWER';

export interface HealthWatch {
  /** Distinct consecutive answers, in order (SERVING, NOT_SERVING, SERVING, ...). */
  readonly seen: HealthAnswer[];
  /** Resolves on the next answer that is `status` (asked after this call); rejects after `timeoutMs`. */
  until(status: HealthAnswer, timeoutMs?: number): Promise<void>;
  stop(): void;
}

export function watchHealth(channel: Channel, intervalMs = 100): HealthWatch {
  const client = createClient(HealthDefinition, channel);
  const seen: HealthAnswer[] = [];
  let current: HealthAnswer | undefined;
  const waiters: { status: HealthAnswer; resolve(): void }[] = [];
  let stopped = false;

  const record = (answer: HealthAnswer) => {
    if (answer !== current) seen.push(answer);
    current = answer;
    for (const w of waiters.filter((w) => w.status === answer)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };

  void (async () => {
    while (!stopped) {
      const answer = await client.check({ service: '' }, { signal: AbortSignal.timeout(2_000) }).then(
        (r): HealthAnswer =>
          r.status === ServingStatus.SERVING
            ? 'SERVING'
            : r.status === ServingStatus.NOT_SERVING
              ? 'NOT_SERVING'
              : 'UNKNOWN',
        (): HealthAnswer => 'NO_ANSWER',
      );
      record(answer);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();

  return {
    seen,
    until(status, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`health never answered ${status} in ${timeoutMs} ms; seen: ${seen.join(' -> ')}`),
            ),
          timeoutMs,
        );
        waiters.push({ status, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    stop() {
      stopped = true;
    },
  };
}
