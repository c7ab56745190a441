import { Migration } from '@mikro-orm/migrations';

/**
 * Invoicing: invoices and credit notes with their lines, gap-free numbering from locked counter rows
 * (never a sequence), period closings (the idempotency key of closing), the daily totals that answer
 * running charges, and `charges.invoice_id` marking what has been invoiced.
 *
 * Immutability: a trigger refuses every UPDATE or DELETE of an issued invoice and every change to the
 * lines of an issued invoice, whoever runs the statement (the service's own role included).
 */
export class Migration20261129020000Invoicing extends Migration {
  override up(): void {
    this.addSql(`
      create table invoices (
        id bigint generated always as identity primary key,
        kind text not null check (kind in ('INVOICE', 'CREDIT_NOTE')),
        status text not null check (status in ('DRAFT', 'ISSUED')),
        customer_account text not null,
        period_key text not null,
        period_start timestamptz not null,
        period_end timestamptz not null,
        series text not null,
        number text,
        currency char(3) not null,
        seller jsonb not null,
        buyer jsonb not null,
        issue_date date,
        due_date date,
        payment_terms_days integer not null default 0,
        net_total numeric not null,
        vat_total numeric not null,
        gross_total numeric not null,
        vat_breakdown jsonb not null,
        -- the rest of the document as built by the domain: period (local dates, zone), notes
        document jsonb not null default '{}',
        credited_invoice_id bigint references invoices (id),
        credit_reason text,
        created_at timestamptz not null default now(),
        issued_at timestamptz,
        constraint invoices_number_iff_issued check ((status = 'ISSUED') = (number is not null)),
        constraint invoices_credit_refers check ((kind = 'CREDIT_NOTE') = (credited_invoice_id is not null)),
        constraint invoices_series_number_unique unique (series, number)
      )`);
    // One invoice per customer and period: what makes closing idempotent, even twice at once.
    this.addSql(
      `create unique index invoices_one_per_period on invoices (customer_account, period_key) where kind = 'INVOICE'`,
    );
    this.addSql(`create index invoices_list_idx on invoices (period_start desc, id)`);
    this.addSql(`create index invoices_customer_idx on invoices (customer_account, period_start desc, id)`);
    this.addSql(
      `create index invoices_credited_idx on invoices (credited_invoice_id) where credited_invoice_id is not null`,
    );

    this.addSql(`
      create table invoice_lines (
        invoice_id bigint not null references invoices (id),
        line_no integer not null,
        kind text not null,
        description text not null,
        access_type text,
        zone text,
        conference_id text,
        service_period_key text,
        calls integer,
        quantity numeric not null,
        unit_code text not null,
        unit_price numeric not null,
        net_amount numeric not null,
        vat_rate numeric not null,
        vat_category text not null,
        credited_line_no integer,
        primary key (invoice_id, line_no)
      )`);

    // The numbering: one row per series and year, locked (select ... for update) by the issuing
    // transaction; a rollback gives the number back, so the series has no gaps.
    this.addSql(`
      create table invoice_counters (
        series text not null,
        year integer not null,
        last_number bigint not null default 0 check (last_number >= 0),
        primary key (series, year)
      )`);

    this.addSql(`
      create table period_closings (
        customer_account text not null,
        period_key text not null,
        period_start timestamptz not null,
        period_end timestamptz not null,
        closed_at timestamptz not null default now(),
        primary key (customer_account, period_key)
      )`);
    this.addSql(
      `create index period_closings_end_idx on period_closings (customer_account, period_end desc)`,
    );

    // Set by closing, which claims the charges (UPDATE ... RETURNING) under the id the invoice will get
    // and inserts that invoice, built from exactly those charges, in the same transaction. No foreign
    // key and no index on it: a million charges are claimed per close, and each FK check or index
    // entry per row would double the cost. The partial index finds what is still open (late CDRs).
    this.addSql(`alter table charges add column invoice_id bigint`);
    this.addSql(
      `create index charges_uninvoiced_idx on charges (customer_account, call_start) where invoice_id is null and superseded_at is null`,
    );

    this.addSql(`
      create table charge_daily_totals (
        customer_account text not null,
        local_date date not null,
        access_type text not null,
        zone text not null default '',
        currency char(3) not null,
        calls bigint not null,
        billed_seconds bigint not null,
        amount numeric not null,
        primary key (customer_account, local_date, access_type, zone, currency)
      )`);

    this.addSql(`
      create function invoices_refuse_change_when_issued() returns trigger language plpgsql as $$
      begin
        if OLD.status = 'ISSUED' then
          raise exception 'invoice % is issued and can never change; correct it with a credit note', OLD.number
            using errcode = 'P0001', hint = 'issued invoices are immutable';
        end if;
        if TG_OP = 'DELETE' then return OLD; end if;
        return NEW;
      end $$`);
    this.addSql(`
      create trigger invoices_immutable before update or delete on invoices
      for each row execute function invoices_refuse_change_when_issued()`);
    this.addSql(`
      create function invoice_lines_refuse_change_when_issued() returns trigger language plpgsql as $$
      declare
        target bigint;
        state text;
      begin
        target := case when TG_OP = 'INSERT' then NEW.invoice_id else OLD.invoice_id end;
        select status into state from invoices where id = target;
        if state = 'ISSUED' then
          raise exception 'lines of issued invoice % can never change', target
            using errcode = 'P0001', hint = 'issued invoices are immutable';
        end if;
        if TG_OP = 'UPDATE' and NEW.invoice_id <> OLD.invoice_id then
          select status into state from invoices where id = NEW.invoice_id;
          if state = 'ISSUED' then
            raise exception 'lines of issued invoice % can never change', NEW.invoice_id using errcode = 'P0001';
          end if;
        end if;
        if TG_OP = 'DELETE' then return OLD; end if;
        return NEW;
      end $$`);
    this.addSql(`
      create trigger invoice_lines_immutable before insert or update or delete on invoice_lines
      for each row execute function invoice_lines_refuse_change_when_issued()`);
  }

  override down(): void {
    this.addSql('drop table charge_daily_totals');
    this.addSql('drop index charges_uninvoiced_idx');
    this.addSql('alter table charges drop column invoice_id');
    this.addSql('drop table period_closings');
    this.addSql('drop table invoice_counters');
    this.addSql('drop table invoice_lines');
    this.addSql('drop function invoice_lines_refuse_change_when_issued() cascade');
    this.addSql('drop table invoices');
    this.addSql('drop function invoices_refuse_change_when_issued() cascade');
  }
}
