/** The invoice's lines: quantity, unit price, discount, net amount and VAT rate. */
import type { Invoice } from '../../gen/es/billing/v1/invoice_service_pb';
import { MoneyCell } from '../components/MoneyCell';
import { formatDecimal, formatMoney } from '../format/format-money';
import { DataTable } from '../components/DataTable';

export function InvoiceLines({ invoice }: { invoice: Invoice }) {
  if (invoice.lines.length === 0) return <p className="empty">No lines.</p>;
  return (
    <DataTable label="Invoice lines">
      <thead>
        <tr>
          <th scope="col" className="num">
            #
          </th>
          <th scope="col">Description</th>
          <th scope="col" className="num">
            Quantity
          </th>
          <th scope="col" className="num">
            Unit price
          </th>
          <th scope="col" className="num">
            Discount
          </th>
          <th scope="col" className="num">
            Net
          </th>
          <th scope="col" className="num">
            VAT %
          </th>
        </tr>
      </thead>
      <tbody>
        {invoice.lines.map((l) => (
          <tr key={l.lineNumber}>
            <td className="num">{l.lineNumber}</td>
            <td>
              {l.description}
              {l.creditedLineNumber > 0 && (
                <span className="hint"> (credits line {l.creditedLineNumber})</span>
              )}
            </td>
            <td className="num">
              {formatDecimal(l.quantity)} {l.unit}
            </td>
            <td className="num">
              {formatMoney(l.unitPrice)}
              {l.baseQuantity && l.baseQuantity !== '1' && (
                <span className="hint">
                  {' '}
                  / {formatDecimal(l.baseQuantity)} {l.unit}
                </span>
              )}
            </td>
            <td className="num">
              {l.allowance
                ? `${formatDecimal(l.allowance.percent)} % (${formatMoney(l.allowance.amount)})`
                : ''}
            </td>
            <MoneyCell money={l.netAmount} />
            <td className="num">{formatDecimal(l.vatRate)}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
