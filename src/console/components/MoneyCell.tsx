/** A right-aligned table cell holding an amount of money. */
import type { Money } from '../../gen/es/billing/v1/common_pb';
import { formatMoney } from '../format/format-money';

export function MoneyCell({ money, strong = false }: { money: Money | undefined; strong?: boolean }) {
  const text = formatMoney(money);
  return <td className="num">{strong ? <strong>{text}</strong> : text}</td>;
}
