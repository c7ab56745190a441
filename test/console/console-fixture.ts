/**
 * The browser tests' world: the real service (with its browser endpoint on a free port, serving the
 * built console from dist/console) on a fixed "now" in November 2026, customers made by sales and
 * CDRs streamed in by a bridge over gRPC, priced by the shipped rules; and a real Chromium (Debian's
 * `chromium` package) driven by playwright-core.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FixedClock } from '../../src/app/clock';
import type { Role } from '../../src/auth/roles';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import type { Cdr } from '../../src/gen/billing/v1/cdr';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { createCustomers } from '../support/customers';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { answeredCall } from '../support/answered-call';

/** The service's "now": after October has ended, inside the open November period. */
export const NOW = new Date('2026-11-20T12:00:00Z');
export const SCREENSHOTS = path.join(REPO_ROOT, '.tmp/screenshots');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
/** Readiness waits are generous: the machine is shared and small; nothing waits a fixed time. */
export const READY_MS = 60_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ConsoleWorld {
  t: TestService;
  baseUrl: string;
  browser: Browser;
  stop(): Promise<void>;
}

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const t = await startTestService({
    clock: new FixedClock(NOW),
    env: {
      BILLING_CLOSE_INTERVAL_MS: '0',
      BILLING_CONSOLE_ADDR: '127.0.0.1:0',
      BILLING_CONSOLE_DIR: path.join(REPO_ROOT, 'dist/console'),
    },
  });
  const port = t.service.consolePort;
  if (!port) throw new Error('the service started without its console endpoint');
  await seed(t);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    t,
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    async stop() {
      await browser.close();
      await t.stop();
    },
  };
}

let record = 0;
function leg(account: string, calledNumber: string, startUtc: string, seconds: number): Cdr {
  record += 1;
  return answeredCall({
    bridgeId: 'bridge-1',
    recordId: `console-${record}`,
    conferenceId: `console-conf-${Math.ceil(record / 3)}`,
    customerAccount: account,
    calledNumber,
    start: startUtc,
    seconds,
  });
}

/** Two SEK customers (one with a contract), October and November calls, and one CDR nobody can price. */
async function seed(t: TestService): Promise<void> {
  const sales = t.client(CustomerServiceDefinition, 'sales');
  await createCustomers(sales, ['CONSOLE-A', 'CONSOLE-B'], { currencyCode: 'SEK' });
  await sales.upsertContract({
    requestId: 'console-contract-a',
    contract: {
      externalId: 'K-CONSOLE-A-2026',
      customerExternalId: 'CONSOLE-A',
      pricePlan: 'enterprise',
      discountPercent: '5',
      specialPrices: [],
      includedMinutes: '0',
      billingCycle: 0,
      anchorDay: 0,
      validFrom: new Date('2026-01-01T00:00:00Z'),
      version: 0,
    },
  });
  const cdrs = [
    leg('CONSOLE-A', '+46812345678', '2026-10-06T09:00:00Z', 420),
    leg('CONSOLE-A', '+46812345678', '2026-10-07T18:00:00Z', 600),
    leg('CONSOLE-A', '+46701234567', '2026-10-08T08:00:00Z', 90),
    leg('CONSOLE-A', '+4420794600000', '2026-10-12T10:00:00Z', 1800),
    leg('CONSOLE-B', '+46812345678', '2026-10-14T09:30:00Z', 300),
    leg('CONSOLE-A', '+46812345678', '2026-11-03T09:00:00Z', 1200),
    leg('CONSOLE-A', '+46701234567', '2026-11-04T13:00:00Z', 330),
    leg('CONSOLE-A', '+46701234567', '2026-11-05T19:00:00Z', 95),
    leg('CONSOLE-NOBODY', '+46812345678', '2026-11-06T09:00:00Z', 60),
  ];
  await new BridgeSimulator(t.client(CdrIngestServiceDefinition, 'bridge')).sendAll(cdrs, { batchSize: 5 });
}

/** A fresh browser context (own sessionStorage) in Stockholm time, at desktop width. */
export async function openConsole(world: ConsoleWorld): Promise<{ context: BrowserContext; page: Page }> {
  const context = await world.browser.newContext({
    viewport: DESKTOP,
    timezoneId: 'Europe/Stockholm',
    locale: 'sv-SE',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(READY_MS);
  await page.goto(world.baseUrl);
  return { context, page };
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInAs(world: ConsoleWorld, page: Page, role: Role): Promise<void> {
  await signIn(page, world.t.tokenFor(role));
  await page.getByTestId('role').filter({ hasText: role }).waitFor();
}

/** Screenshots of the page as it is now at desktop and phone width (full page), then back to desktop. */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}
