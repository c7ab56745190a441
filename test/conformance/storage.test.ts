/**
 * Every storage port's conformance suite against every database: the embedded PGlite always, and a
 * PostgreSQL server when one is reachable (see targets.ts). A new port's suite is one line in SUITES.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresBookingDirectory } from '../../src/persistence/booking-directory';
import { PostgresBookingStore } from '../../src/persistence/booking-store';
import { PostgresCdrStore } from '../../src/persistence/cdr-store';
import { PostgresCloseUnitOfWork } from '../../src/persistence/close-unit-of-work';
import { PostgresCustomerDirectory } from '../../src/persistence/customer-directory';
import { PostgresCustomerStore } from '../../src/persistence/customer-store';
import type { Database } from '../../src/persistence/database';
import { PostgresInvoiceStore } from '../../src/persistence/invoice-store';
import { PostgresRequestLedger } from '../../src/persistence/request-ledger';
import { PostgresRuleSetArchive } from '../../src/persistence/rule-set-archive';
import { PostgresUnratedQueue } from '../../src/persistence/unrated-cdr-queue';
import { runBookingStoreConformance } from './booking-store.conformance';
import { runCdrStoreConformance } from './cdr-store.conformance';
import { runCustomerStoreConformance } from './customer-store.conformance';
import { runBookingDirectoryConformance, runCustomerDirectoryConformance } from './directories.conformance';
import { runInvoiceStoreConformance } from './invoice-store.conformance';
import { runRequestLedgerConformance } from './request-ledger.conformance';
import { runRuleSetArchiveConformance } from './rule-set-archive.conformance';
import { runUnratedQueueConformance } from './unrated-queue.conformance';
import { storageTargets } from './targets';

/** Each suite gets the database lazily: it is opened in beforeAll, after the suites are declared. */
const SUITES: ((db: () => Database) => void)[] = [
  (db) => runCustomerStoreConformance(() => new PostgresCustomerStore(db())),
  (db) =>
    runCustomerDirectoryConformance(() => ({
      directory: new PostgresCustomerDirectory(db()),
      customers: new PostgresCustomerStore(db()),
    })),
  (db) =>
    runBookingStoreConformance(() => ({
      bookings: new PostgresBookingStore(db()),
      customers: new PostgresCustomerStore(db()),
    })),
  (db) =>
    runBookingDirectoryConformance(() => ({
      directory: new PostgresBookingDirectory(db()),
      bookings: new PostgresBookingStore(db()),
      customers: new PostgresCustomerStore(db()),
    })),
  (db) => runRequestLedgerConformance(() => new PostgresRequestLedger(db())),
  (db) =>
    runCdrStoreConformance(() => ({
      cdrs: new PostgresCdrStore(db()),
      archive: new PostgresRuleSetArchive(db()),
      customers: new PostgresCustomerStore(db()),
      reads: new PostgresInvoiceStore(db()),
    })),
  (db) =>
    runRuleSetArchiveConformance(() => ({
      archive: new PostgresRuleSetArchive(db()),
      cdrs: new PostgresCdrStore(db()),
    })),
  (db) =>
    runUnratedQueueConformance(() => ({
      queue: new PostgresUnratedQueue(db()),
      cdrs: new PostgresCdrStore(db()),
      archive: new PostgresRuleSetArchive(db()),
    })),
  (db) =>
    runInvoiceStoreConformance(() => ({
      invoices: new PostgresInvoiceStore(db()),
      closing: new PostgresCloseUnitOfWork(db()),
      customers: new PostgresCustomerStore(db()),
      cdrs: new PostgresCdrStore(db()),
      archive: new PostgresRuleSetArchive(db()),
    })),
];

for (const target of await storageTargets()) {
  describe(target.name, () => {
    let opened: Awaited<ReturnType<typeof target.open>> | undefined;
    beforeAll(async () => {
      opened = await target.open();
    });
    afterAll(async () => {
      await opened?.close();
    });
    const db = () => {
      if (!opened) throw new Error(`${target.name} did not open`);
      return opened.database;
    };
    for (const suite of SUITES) suite(db);
  });
}
