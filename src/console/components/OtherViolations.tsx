/** Field violations no control on the form shows, so none is lost. */
import type { Violation } from '../api/field-violations';

export function OtherViolations({ violations, shown }: { violations: Violation[]; shown: string[] }) {
  const rest = violations.filter((v) => !shown.some((f) => v.field === f || v.field.startsWith(f)));
  if (rest.length === 0) return null;
  return (
    <ul className="field-error">
      {rest.map((v) => (
        <li key={`${v.field}:${v.description}`}>
          {v.field}: {v.description}
        </li>
      ))}
    </ul>
  );
}
