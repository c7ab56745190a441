/**
 * Display names finance gives zones (destinations.json `zones.<ZONE>.displayName`) and access types
 * (ruleset.json `accessTypeNames`), for texts such as invoice lines. Codes stay what rules and charges
 * use; names are only shown, so a missing name falls back to the code or the built-in label.
 */
import { ACCESS_TYPES, type AccessType } from '../cdr';
import { ACCESS_TYPE_LABELS } from '../invoicing/usage-lines';
import type { DestinationsFileJson, RuleSetFileJson } from './types';

export interface DisplayNames {
  /** Zone code -> display name, for every zone of the rule set (its code when it has no name). */
  zones: Record<string, string>;
  /** Access type -> display name (the built-in label when the rule set gives none). */
  accessTypes: Record<AccessType, string>;
}

/** The built-in names: no zones (callers show the code), the invoice's access type labels. */
export function builtInDisplayNames(): DisplayNames {
  return { zones: {}, accessTypes: { ...ACCESS_TYPE_LABELS } };
}

/** The display names of one rule set's files (checked: every zone named exists, every key is an access type). */
export function displayNamesOf(ruleset: RuleSetFileJson, destinations: DestinationsFileJson): DisplayNames {
  const zones: Record<string, string> = {};
  for (const zone of Object.values(destinations.prefixes)) zones[zone] = zone;
  for (const [zone, about] of Object.entries(destinations.zones ?? {}))
    if (about.displayName !== undefined && zone in zones) zones[zone] = about.displayName;
  const accessTypes = { ...ACCESS_TYPE_LABELS };
  for (const at of ACCESS_TYPES) {
    const name = ruleset.accessTypeNames?.[at];
    if (name !== undefined) accessTypes[at] = name;
  }
  return { zones, accessTypes };
}
