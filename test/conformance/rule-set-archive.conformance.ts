/**
 * What every rule-set archive must do: keep each rule set that went live once (RuleSetArchive),
 * answer its history with the charges each priced (RuleSetHistory), and give an archived rule set
 * back by hash so a rerate can price with it again.
 */
import { describe, expect, it } from 'vitest';
import type { CdrStore } from '../../src/app/ingest/ports';
import type {
  RuleSetArchive,
  RuleSetHistory,
  RuleSetSnapshot,
  RuleSetUsageRow,
} from '../../src/app/rating/ports';
import { ValidationError } from '../../src/domain/errors';
import type { RuleSetSource } from '../../src/domain/rating/types';
import { cdr, rated, ruleSetSnapshot, toStore } from './cdr-fixtures';
import { unique } from './fixtures';

export type ArchiveUnderTest = RuleSetArchive &
  RuleSetHistory & { load(hash: string): Promise<RuleSetSource | undefined> };

export async function history(archive: RuleSetHistory, size: number): Promise<RuleSetUsageRow[]> {
  const seen: RuleSetUsageRow[] = [];
  let token: string | undefined;
  do {
    const page = await archive.usage(size, token);
    expect(page.rows.length).toBeLessThanOrEqual(size);
    seen.push(...page.rows);
    token = page.nextPageToken || undefined;
  } while (token);
  return seen;
}

const listed = (s: RuleSetSnapshot) => s.files.map(({ path, sha256 }) => ({ path, sha256 }));

export function runRuleSetArchiveConformance(
  make: () => { archive: ArchiveUnderTest; cdrs: CdrStore },
): void {
  describe('RuleSetArchive', () => {
    it('keeps a rule set once, however often and by however many instances it is saved', async () => {
      const { archive } = make();
      const snapshot = ruleSetSnapshot();
      await archive.save([snapshot, snapshot]);
      const first = (await history(archive, 100)).filter((r) => r.hash === snapshot.hash);
      expect(first).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 20));
      await archive.save([snapshot]);
      await make().archive.save([snapshot, ruleSetSnapshot()]);
      expect((await history(make().archive, 100)).filter((r) => r.hash === snapshot.hash)).toEqual(first);
      await archive.save([]);
    });

    it('gives an archived rule set back as it was saved; an unknown hash is undefined', async () => {
      const { archive } = make();
      const snapshot = ruleSetSnapshot();
      await archive.save([snapshot]);
      const content = (i: number) => JSON.parse(snapshot.files[i]!.content) as unknown;
      expect(await make().archive.load(snapshot.hash)).toEqual({
        hash: snapshot.hash,
        files: {
          ruleset: snapshot.files[0]!.path,
          destinations: snapshot.files[1]!.path,
          rates: snapshot.files[2]!.path,
          calendar: snapshot.files[3]!.path,
        },
        ruleset: content(0),
        destinations: content(1),
        rates: content(2),
        calendar: content(3),
      });
      expect(await archive.load(unique('no-such-hash'))).toBeUndefined();
    });

    it('pages the history oldest first, then by hash, with the current charges each priced', async () => {
      const { archive, cdrs } = make();
      const together = [ruleSetSnapshot(), ruleSetSnapshot(), ruleSetSnapshot({ version: '2' })];
      await archive.save(together);
      await new Promise((r) => setTimeout(r, 20));
      const later = ruleSetSnapshot({ effectiveFrom: new Date('2027-01-01T00:00:00.000Z') });
      await archive.save([later]);
      const account = unique('cust');
      await cdrs.insertBatch(
        ['2026-10-09T08:00:00.000Z', '2026-10-07T08:00:00.000Z'].map((start) =>
          toStore(cdr(account, start), rated(later.hash, '1')),
        ),
      );
      const ours = new Set([...together, later].map((s) => s.hash));
      const rows = (await history(archive, 2)).filter((r) => ours.has(r.hash));
      // Saved together, they went live at the same instant: the hash orders them.
      const expectedOrder = [...together.map((s) => s.hash).sort(), later.hash];
      expect(rows.map((r) => r.hash)).toEqual(expectedOrder);
      expect(rows[0]!.firstLoadedAt.getTime()).toBeLessThan(rows[3]!.firstLoadedAt.getTime());
      const version2 = rows.find((r) => r.hash === together[2]!.hash);
      expect(version2).toEqual({
        hash: together[2]!.hash,
        name: together[2]!.name,
        version: '2',
        effectiveFrom: together[2]!.effectiveFrom,
        firstLoadedAt: expect.any(Date) as Date,
        files: listed(together[2]!),
        chargeCount: '0',
        firstChargeAt: undefined,
        lastChargeAt: undefined,
      });
      expect(rows[3]).toMatchObject({
        effectiveFrom: later.effectiveFrom,
        files: listed(later),
        chargeCount: '2',
        firstChargeAt: new Date('2026-10-07T08:00:00.000Z'),
        lastChargeAt: new Date('2026-10-09T08:00:00.000Z'),
      });
    });

    it('refuses a page token that is not its own', async () => {
      const { archive } = make();
      await expect(archive.usage(10, 'forged-token-forged-token-xx')).rejects.toThrow(ValidationError);
    });
  });
}
