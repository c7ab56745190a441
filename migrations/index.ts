/**
 * Every migration, in order. Listed explicitly (not globbed) so the same list runs from TypeScript
 * sources under tsx, vitest and any bundler, on PostgreSQL and on the embedded PGlite alike.
 */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261129000000Foundation } from './Migration20261129000000Foundation';
import { Migration20261129000500UnratedAttempts } from './Migration20261129000500UnratedAttempts';
import { Migration20261129010000Customers } from './Migration20261129010000Customers';
import { Migration20261129020000Invoicing } from './Migration20261129020000Invoicing';
import { Migration20261129030000Rerating } from './Migration20261129030000Rerating';
import { Migration20261201000000ServiceSecrets } from './Migration20261201000000ServiceSecrets';
import { Migration20261202000000ChargeColumns } from './Migration20261202000000ChargeColumns';
import { Migration20261203000000CustomerPeppol } from './Migration20261203000000CustomerPeppol';
import { Migration20261203000000PricedParts } from './Migration20261203000000PricedParts';
import { Migration20261203000100CustomerInvoiceOptions } from './Migration20261203000100CustomerInvoiceOptions';
import { Migration20261203010000DocumentOutbox } from './Migration20261203010000DocumentOutbox';
import { Migration20261204000000ChargeClaims } from './Migration20261204000000ChargeClaims';
import { Migration20261204000100RunningTotalsFunction } from './Migration20261204000100RunningTotalsFunction';
import { Migration20261204001400NarrowCharges } from './Migration20261204001400NarrowCharges';
import { Migration20261205000000MonthlyPartitions } from './Migration20261205000000MonthlyPartitions';
import { Migration20261205000100LateChargeFence } from './Migration20261205000100LateChargeFence';
import { Migration20261206000100InvoiceLinesInsertCheck } from './Migration20261206000100InvoiceLinesInsertCheck';
import { Migration20261206000900ArchivedIdDefaults } from './Migration20261206000900ArchivedIdDefaults';
import { Migration20261208000000ChargeAccessType } from './Migration20261208000000ChargeAccessType';
import { Migration20261209000000RuleSetCheckPerStatement } from './Migration20261209000000RuleSetCheckPerStatement';
import { Migration20261210000000RunningTotalsPrunedTail } from './Migration20261210000000RunningTotalsPrunedTail';
import { Migration20261211000000RequestResponsesAsText } from './Migration20261211000000RequestResponsesAsText';
import { Migration20261213000000BookkeepingExports } from './Migration20261213000000BookkeepingExports';
import { Migration20261214000000CallSpecificationOnDocuments } from './Migration20261214000000CallSpecificationOnDocuments';
import { Migration20261215000000BookingMovedAway } from './Migration20261215000000BookingMovedAway';
import { Migration20261216000000BillingEpoch } from './Migration20261216000000BillingEpoch';

export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261129000000Foundation', class: Migration20261129000000Foundation },
  { name: 'Migration20261129000500UnratedAttempts', class: Migration20261129000500UnratedAttempts },
  { name: 'Migration20261129010000Customers', class: Migration20261129010000Customers },
  { name: 'Migration20261129020000Invoicing', class: Migration20261129020000Invoicing },
  { name: 'Migration20261129030000Rerating', class: Migration20261129030000Rerating },
  { name: 'Migration20261201000000ServiceSecrets', class: Migration20261201000000ServiceSecrets },
  { name: 'Migration20261202000000ChargeColumns', class: Migration20261202000000ChargeColumns },
  { name: 'Migration20261203000000CustomerPeppol', class: Migration20261203000000CustomerPeppol },
  { name: 'Migration20261203000000PricedParts', class: Migration20261203000000PricedParts },
  {
    name: 'Migration20261203000100CustomerInvoiceOptions',
    class: Migration20261203000100CustomerInvoiceOptions,
  },
  { name: 'Migration20261203010000DocumentOutbox', class: Migration20261203010000DocumentOutbox },
  { name: 'Migration20261204000000ChargeClaims', class: Migration20261204000000ChargeClaims },
  {
    name: 'Migration20261204000100RunningTotalsFunction',
    class: Migration20261204000100RunningTotalsFunction,
  },
  { name: 'Migration20261204001400NarrowCharges', class: Migration20261204001400NarrowCharges },
  { name: 'Migration20261205000000MonthlyPartitions', class: Migration20261205000000MonthlyPartitions },
  { name: 'Migration20261205000100LateChargeFence', class: Migration20261205000100LateChargeFence },
  {
    name: 'Migration20261206000100InvoiceLinesInsertCheck',
    class: Migration20261206000100InvoiceLinesInsertCheck,
  },
  { name: 'Migration20261206000900ArchivedIdDefaults', class: Migration20261206000900ArchivedIdDefaults },
  { name: 'Migration20261208000000ChargeAccessType', class: Migration20261208000000ChargeAccessType },
  {
    name: 'Migration20261209000000RuleSetCheckPerStatement',
    class: Migration20261209000000RuleSetCheckPerStatement,
  },
  {
    name: 'Migration20261210000000RunningTotalsPrunedTail',
    class: Migration20261210000000RunningTotalsPrunedTail,
  },
  {
    name: 'Migration20261211000000RequestResponsesAsText',
    class: Migration20261211000000RequestResponsesAsText,
  },
  { name: 'Migration20261213000000BookkeepingExports', class: Migration20261213000000BookkeepingExports },
  {
    name: 'Migration20261214000000CallSpecificationOnDocuments',
    class: Migration20261214000000CallSpecificationOnDocuments,
  },
  { name: 'Migration20261215000000BookingMovedAway', class: Migration20261215000000BookingMovedAway },
  { name: 'Migration20261216000000BillingEpoch', class: Migration20261216000000BillingEpoch },
];
