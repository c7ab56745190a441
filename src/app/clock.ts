/**
 * The one source of "now" for use cases, the scheduler and the server. Production uses the system
 * clock; tests pin it, so no test depends on the date it runs on.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still at `at` until moved: for tests and reproducible runs. */
export class FixedClock implements Clock {
  private at: number;

  constructor(at: Date | string) {
    this.at = new Date(at).getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  set(at: Date | string): void {
    this.at = new Date(at).getTime();
  }

  advance(ms: number): void {
    this.at += ms;
  }
}
