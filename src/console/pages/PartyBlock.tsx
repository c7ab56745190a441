/** A seller or buyer as printed on the invoice. */
import type { Party } from '../../gen/es/billing/v1/common_pb';

export function PartyBlock({ title, party }: { title: string; party: Party | undefined }) {
  if (!party) return null;
  const a = party.address;
  return (
    <address className="party">
      <strong>{title}</strong>
      <br />
      {party.name}
      {a?.lines.map((l) => (
        <span key={l}>
          <br />
          {l}
        </span>
      ))}
      {a && (
        <>
          <br />
          {a.postalCode} {a.city} {a.countryCode}
        </>
      )}
      {party.vatNumber && (
        <>
          <br />
          VAT no. {party.vatNumber}
        </>
      )}
      {party.registrationNumber && (
        <>
          <br />
          Reg. no. {party.registrationNumber}
        </>
      )}
    </address>
  );
}
