/**
 * Bearer tokens and the roles they carry. Tokens are kept only as SHA-256 digests in memory and
 * compared in constant time; a token never reaches a log line.
 *
 * Tokens file (BILLING_TOKENS_FILE), JSON:
 *   { "tokens": [ { "name": "bridge-sto-1", "role": "bridge", "bridgeIds": ["sto-1"], "sha256": "<hex of sha256(token)>" },
 *                 { "name": "sales-crm",   "role": "sales",  "token": "<plain token>" } ] }
 * A bridge token names the bridges it speaks for (`bridgeIds`, at least one); no other role has any.
 * Without a tokens file, an admin token is generated on first start into <data dir>/admin-token.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MAX_TOKEN_LENGTH } from './bearer';
import { isRole, type Role } from './roles';

export interface Principal {
  name: string;
  role: Role;
  /** The bridges a `bridge` token may act for (never empty for it); empty for every other role. */
  bridgeIds: readonly string[];
}

interface Entry extends Principal {
  digest: Buffer;
}

export interface TokenEntry {
  name: string;
  role: Role;
  bridgeIds?: string[];
  token?: string;
  sha256?: string;
}

export class TokenStore {
  private constructor(private readonly entries: Entry[]) {}

  static fromEntries(entries: TokenEntry[]): TokenStore {
    return new TokenStore(
      entries.map((e, i) => ({ ...principalOf(e, `tokens[${i}]`), digest: digestOf(e, `tokens[${i}]`) })),
    );
  }

  static fromFile(file: string): TokenStore {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { tokens?: unknown };
    if (!Array.isArray(parsed.tokens)) throw new Error(`${file}: expected {"tokens": [...]}`);
    try {
      return TokenStore.fromEntries(parsed.tokens as never);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The principal a presented token belongs to, or undefined. Every entry is compared, in constant time. */
  authenticate(token: string): Principal | undefined {
    const presented = digest(token);
    let found: Entry | undefined;
    for (const entry of this.entries) {
      if (crypto.timingSafeEqual(entry.digest, presented) && !found) found = entry;
    }
    return found && { name: found.name, role: found.role, bridgeIds: found.bridgeIds };
  }
}

function principalOf(e: TokenEntry, at: string): Principal {
  if (typeof e.name !== 'string' || !e.name)
    throw new Error(`${at}.name: required, the token's name in logs`);
  if (!isRole(e.role)) throw new Error(`${at}.role: unknown role ${JSON.stringify(e.role)}`);
  if (e.role !== 'bridge') {
    // Only a bridge acts for bridges; bridge ids on another role would suggest a scope it does not have.
    if (e.bridgeIds !== undefined)
      throw new Error(`${at}.bridgeIds: only a bridge token is bound to bridges, not role ${e.role}`);
    return { name: e.name, role: e.role, bridgeIds: [] };
  }
  const ids = e.bridgeIds;
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new Error(
      `${at}.bridgeIds: a bridge token must list the bridge ids it may act for, e.g. "bridgeIds": ["sto-1"]`,
    );
  }
  ids.forEach((id, j) => {
    if (typeof id !== 'string' || !id.trim())
      throw new Error(`${at}.bridgeIds[${j}]: must be a non-empty bridge id`);
  });
  return { name: e.name, role: e.role, bridgeIds: Object.freeze([...new Set(ids)]) };
}

function digestOf(e: TokenEntry, at: string): Buffer {
  if (e.sha256 !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(e.sha256)) throw new Error(`${at}.sha256: must be 64 hex digits`);
    return Buffer.from(e.sha256, 'hex');
  }
  if (!e.token || e.token.length < 16) throw new Error(`${at}.token: must be at least 16 characters`);
  // A longer token could never be presented: the authorization header refuses it as malformed.
  if (e.token.length > MAX_TOKEN_LENGTH || /\s/.test(e.token)) {
    throw new Error(`${at}.token: at most ${MAX_TOKEN_LENGTH} characters, without whitespace`);
  }
  return digest(e.token);
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
