/** A readable label for a generated enum value: AccessType.DIAL_OUT -> "Dial out". */
export function enumLabel(values: Record<number, string>, value: number, prefix = ''): string {
  const name = values[value] ?? String(value);
  const words = name.startsWith(prefix) ? name.slice(prefix.length) : name;
  const text = words.toLowerCase().replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
