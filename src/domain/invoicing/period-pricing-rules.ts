/**
 * Period-level pricing rules from the contract / rule files: included minutes, volume tiers and a
 * minimum commitment (priced by periodPricingLines, see period-pricing.ts).
 */
import type { AccessType } from '../cdr';
import type { TierModel, VolumeTier } from './tiers';

export interface IncludedMinutesRule {
  /** Free minutes per period, decimal string. */
  minutes: string;
  /** Access types the free minutes apply to; all when absent. */
  accessTypes?: AccessType[];
}

export interface VolumeTierRule {
  model: TierModel;
  tiers: VolumeTier[];
  /** Access types whose minutes count; all when absent. */
  accessTypes?: AccessType[];
  /** Line text, default "Volume minutes". */
  description?: string;
  /** VAT rate of the tier lines; the invoice default when absent. */
  vatRate?: string;
}

export interface MinimumCommitmentRule {
  /** Minimum net amount per period, decimal string in the invoice currency. */
  amount: string;
  vatRate?: string;
  description?: string;
}

/** Period-level pricing from the contract / rule files. */
export interface PeriodPricingRules {
  includedMinutes?: IncludedMinutesRule;
  volumeTiers?: VolumeTierRule;
  minimumCommitment?: MinimumCommitmentRule;
}
