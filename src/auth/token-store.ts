/**
 * Bearer tokens and the roles they carry. Tokens are kept only as SHA-256 digests in memory and
 * compared in constant time; a token never reaches a log line.
 *
 * Tokens file (BILLING_TOKENS_FILE), JSON:
 *   { "tokens": [ { "name": "bridge-sto-1", "role": "bridge", "sha256": "<hex of sha256(token)>" },
 *                 { "name": "sales-crm",   "role": "sales",  "token": "<plain token>" } ] }
 * Without a tokens file, an admin token is generated on first start into <data dir>/admin-token.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isRole, type Role } from './roles';

export interface Principal {
  name: string;
  role: Role;
}

interface Entry extends Principal {
  digest: Buffer;
}

export class TokenStore {
  private constructor(private readonly entries: Entry[]) {}

  static fromEntries(entries: { name: string; role: Role; token?: string; sha256?: string }[]): TokenStore {
    return new TokenStore(
      entries.map((e, i) => {
        if (!isRole(e.role)) throw new Error(`tokens[${i}].role: unknown role ${JSON.stringify(e.role)}`);
        if (e.sha256 !== undefined) {
          if (!/^[0-9a-f]{64}$/i.test(e.sha256)) throw new Error(`tokens[${i}].sha256: must be 64 hex digits`);
          return { name: e.name, role: e.role, digest: Buffer.from(e.sha256, 'hex') };
        }
        if (!e.token || e.token.length < 16) throw new Error(`tokens[${i}].token: must be at least 16 characters`);
        return { name: e.name, role: e.role, digest: digest(e.token) };
      }),
    );
  }

  static fromFile(file: string): TokenStore {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { tokens?: unknown };
    if (!Array.isArray(parsed.tokens)) throw new Error(`${file}: expected {"tokens": [...]}`);
    return TokenStore.fromEntries(parsed.tokens as never);
  }

  /** The principal a presented token belongs to, or undefined. Every entry is compared, in constant time. */
  authenticate(token: string): Principal | undefined {
    const presented = digest(token);
    let found: Entry | undefined;
    for (const entry of this.entries) {
      if (crypto.timingSafeEqual(entry.digest, presented) && !found) found = entry;
    }
    return found && { name: found.name, role: found.role };
  }
}

function digest(token: string): Buffer {
  return crypto.createHash('sha256').update(token, 'utf8').digest();
}

/** Reads <dataDir>/admin-token, creating it (mode 0600) on first start. */
export function ensureAdminToken(dataDir: string): { token: string; file: string; created: boolean } {
  const file = path.join(dataDir, 'admin-token');
  fs.mkdirSync(dataDir, { recursive: true });
  if (fs.existsSync(file)) return { token: fs.readFileSync(file, 'utf8').trim(), file, created: false };
  const token = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, file, created: true };
}
