import { Migration } from '@mikro-orm/migrations';

/**
 * A booking moved to another bridge used to reach its old bridge as an UPDATED event carrying the
 * new snapshot (title, dial-out numbers, times and the new bridge), data that bridge no longer
 * hosts. The old bridge now gets a MOVED_AWAY event with the booking as it last had it. Events
 * already stored stay as they were: rewriting a delivered stream would move cursors under bridges.
 */
export class Migration20261215000000BookingMovedAway extends Migration {
  override up(): void {
    this.addSql(`alter table booking_events drop constraint booking_events_type_check`);
    this.addSql(
      `alter table booking_events add constraint booking_events_type_check
         check (type in ('CREATED', 'UPDATED', 'CANCELLED', 'MOVED_AWAY'))`,
    );
  }

  override down(): void {
    this.addSql(`alter table booking_events drop constraint booking_events_type_check`);
    this.addSql(
      `alter table booking_events add constraint booking_events_type_check
         check (type in ('CREATED', 'UPDATED', 'CANCELLED')) not valid`,
    );
  }
}
