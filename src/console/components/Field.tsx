/** A labelled form control with the service's field violations for it shown right beside it. */
import { useId, type ReactElement, cloneElement } from 'react';
import { violationsOf, type Violation } from '../api/field-violations';

interface Props {
  label: string;
  /** The request field (proto name) whose violations belong here. */
  field?: string;
  violations?: Violation[];
  hint?: string;
  children: ReactElement<{ id?: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }>;
}

export function Field({ label, field, violations = [], hint, children }: Props) {
  const id = useId();
  const mine = field ? violationsOf(violations, field) : [];
  const messageId = `${id}-message`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, {
        id,
        'aria-describedby': mine.length > 0 || hint ? messageId : undefined,
        'aria-invalid': mine.length > 0 || undefined,
      })}
      {mine.length > 0 ? (
        <span id={messageId} className="field-error">
          {mine.map((v) => v.description).join('; ')}
        </span>
      ) : hint ? (
        <span id={messageId} className="hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
