/** VAT per category and rate, and the net, VAT and gross totals (and the VAT in SEK when foreign). */
import { VatCategory, type Invoice } from '../../gen/es/billing/v1/invoice_service_pb';
import { MoneyCell } from '../components/MoneyCell';
import { enumLabel } from '../format/enum-label';
import { formatDecimal, formatMoney } from '../format/format-money';
import { DataTable } from '../components/DataTable';

export function InvoiceTotals({ invoice }: { invoice: Invoice }) {
  const acv = invoice.accountingCurrencyVat;
  return (
    <div className="totals">
      <DataTable label="VAT">
        <thead>
          <tr>
            <th scope="col">VAT category</th>
            <th scope="col" className="num">
              Rate %
            </th>
            <th scope="col" className="num">
              Taxable
            </th>
            <th scope="col" className="num">
              VAT
            </th>
          </tr>
        </thead>
        <tbody>
          {invoice.vat.map((v) => (
            <tr key={`${v.vatCategory}-${v.vatRate}`}>
              <td>
                {enumLabel(VatCategory, v.vatCategory)}
                {v.exemptionReason && <span className="hint"> — {v.exemptionReason}</span>}
              </td>
              <td className="num">{formatDecimal(v.vatRate)}</td>
              <MoneyCell money={v.taxableAmount} />
              <MoneyCell money={v.vatAmount} />
            </tr>
          ))}
        </tbody>
      </DataTable>
      <table className="sum" aria-label="Totals">
        <tbody>
          <tr>
            <th scope="row">Net total</th>
            <MoneyCell money={invoice.netTotal} />
          </tr>
          <tr>
            <th scope="row">VAT</th>
            <MoneyCell money={invoice.vatTotal} />
          </tr>
          <tr className="grand">
            <th scope="row">To pay</th>
            <td className="num" data-testid="gross-total">
              <strong>{formatMoney(invoice.grossTotal)}</strong>
            </td>
          </tr>
          {acv && (
            <tr>
              <th scope="row">
                VAT in {acv.currencyCode} (rate {acv.rate}, {acv.rateDate}, {acv.rateSource})
              </th>
              <MoneyCell money={acv.vatTotal} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
