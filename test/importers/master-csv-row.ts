/** Builds Asterisk Master.csv test data the way cdr_csv writes it (shared by the importer tests). */

/** One Master.csv row the way cdr_csv writes it: strings quoted with "" doubled, ints bare, empty dates bare. */
export function row(o: {
  accountcode?: string;
  src?: string;
  dst?: string;
  dcontext?: string;
  clid?: string;
  channel?: string;
  dstchannel?: string;
  lastapp?: string;
  lastdata?: string;
  start?: string;
  answer?: string;
  end?: string;
  duration?: number;
  billsec?: number;
  disposition?: string;
  uniqueid?: string;
  userfield?: string;
  peeraccount?: string;
  linkedid?: string;
  sequence?: number;
  cols?: 16 | 17 | 18 | 19 | 20 | 21;
  only?: 'uniqueid' | 'userfield';
}): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const d = (s: string | undefined) => (s ? q(s) : '');
  const f = [
    q(o.accountcode ?? 'ACME'),
    q(o.src ?? '+46812345678'),
    q(o.dst ?? '+46771000000'),
    q(o.dcontext ?? 'dial-in'),
    q(o.clid ?? '"Anna" <+46812345678>'),
    q(o.channel ?? 'SIP/anna-00000001'),
    q(o.dstchannel ?? ''),
    q(o.lastapp ?? 'Dial'),
    q(o.lastdata ?? 'SIP/x,,gT'),
    d(o.start ?? '2026-11-02 13:45:10'),
    d(o.answer === undefined ? '2026-11-02 13:45:20' : o.answer),
    d(o.end ?? '2026-11-02 13:50:20'),
    String(o.duration ?? 310),
    String(o.billsec ?? 300),
    q(o.disposition ?? 'ANSWERED'),
    q('DOCUMENTATION'),
  ];
  const cols = o.cols ?? 18;
  if (
    cols === 18 ||
    cols === 21 ||
    (cols === 17 && o.only === 'uniqueid') ||
    (cols === 20 && o.only === 'uniqueid')
  )
    f.push(q(o.uniqueid ?? '1793627110.1'));
  if (
    cols === 18 ||
    cols === 21 ||
    (cols === 17 && o.only === 'userfield') ||
    (cols === 20 && o.only === 'userfield')
  )
    f.push(q(o.userfield ?? ''));
  if (cols >= 19) f.push(q(o.peeraccount ?? ''), q(o.linkedid ?? '1793627110.1'), String(o.sequence ?? 1));
  return f.join(',');
}
export const file = (...rows: string[]) => rows.join('\n') + '\n';
