/**
 * One role table (src/transport/grpc/access-policy.ts), and the documents that state it agree with
 * it: each rpc's `Roles:` line in proto/billing/v1/*_service.proto and the README block between
 * the role markers. A failure prints the text to paste.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../src/auth/roles';
import { ROLE_TABLE } from '../../src/transport/grpc/access-policy';
import {
  LISTED_ROLES,
  protoRolesLine,
  README_BEGIN,
  README_END,
  renderRoleTable,
} from '../../src/transport/grpc/role-table-doc';
import { REPO_ROOT } from '../support/test-service';

const PROTO_DIR = path.join(REPO_ROOT, 'proto/billing/v1');

interface ProtoRpc {
  service: string;
  method: string;
  /** The `//` comment lines directly above the rpc, without the slashes. */
  comment: string[];
}

/** Every rpc of a .proto file with its comment, plus every `Roles:` line that is not in an rpc's comment. */
function parseProto(text: string, file: string): { rpcs: ProtoRpc[]; strayRolesLines: string[] } {
  const rpcs: ProtoRpc[] = [];
  const strayRolesLines: string[] = [];
  let service = '';
  let comment: { line: number; text: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const commentText = /^\/\/ ?(.*)$/.exec(line)?.[1];
    if (commentText !== undefined) {
      comment.push({ line: i + 1, text: commentText });
      return;
    }
    const rpc = /^rpc (\w+)\s*\(/.exec(line);
    const svc = /^service (\w+)/.exec(line);
    if (rpc) rpcs.push({ service, method: rpc[1]!, comment: comment.map((c) => c.text) });
    else
      for (const c of comment)
        if (/^\s*Roles:/i.test(c.text)) strayRolesLines.push(`${file}:${c.line}: ${c.text}`);
    if (svc) service = `billing.v1.${svc[1]}`;
    comment = [];
  });
  return { rpcs, strayRolesLines };
}

function readProtos() {
  return fs
    .readdirSync(PROTO_DIR)
    .filter((f) => f.endsWith('_service.proto'))
    .map((f) => parseProto(fs.readFileSync(path.join(PROTO_DIR, f), 'utf8'), f));
}

/** What is wrong with the protos' role lines, one message per problem. */
function protoDrift(protos: ReturnType<typeof parseProto>[]): string[] {
  const problems = protos.flatMap((p) =>
    p.strayRolesLines.map(
      (l) => `a Roles: line outside an rpc comment (service headers must not list roles): ${l}`,
    ),
  );
  const seen = new Set<string>();
  for (const rpc of protos.flatMap((p) => p.rpcs)) {
    const name = `${rpc.service}.${rpc.method}`;
    seen.add(name);
    const expected = protoRolesLine(rpc.service, rpc.method);
    const lines = rpc.comment.filter((c) => /^\s*Roles:/i.test(c));
    if (!expected) problems.push(`${name}: in the proto but not in ROLE_TABLE`);
    else if (lines.length !== 1 || lines[0] !== expected)
      problems.push(`${name}: expected the comment line "// ${expected}", found ${JSON.stringify(lines)}`);
  }
  for (const [service, methods] of Object.entries(ROLE_TABLE)) {
    for (const method of Object.keys(methods))
      if (!seen.has(`${service}.${method}`))
        problems.push(`${service}.${method}: in ROLE_TABLE but no such rpc in the protos`);
  }
  return problems;
}

function readmeBlock(readme: string): string | undefined {
  const begin = readme.indexOf(README_BEGIN);
  const end = readme.indexOf(README_END);
  return begin < 0 || end < begin ? undefined : readme.slice(begin, end + README_END.length);
}

function readmeSection(readme: string): string {
  const start = readme.indexOf('### Tokens and roles');
  return readme.slice(start, readme.indexOf('\n## ', start));
}

describe('the role table', () => {
  it('lists roles in the order of ROLES, without admin (implied) and without repeats, at least one per RPC', () => {
    for (const [service, methods] of Object.entries(ROLE_TABLE)) {
      for (const [method, access] of Object.entries(methods)) {
        expect(access.roles.length, `${service}.${method}`).toBeGreaterThan(0);
        expect([...access.roles], `${service}.${method}`).toEqual(
          LISTED_ROLES.filter((r) => access.roles.includes(r)),
        );
        expect(access.why.trim(), `${service}.${method}`).not.toBe('');
      }
    }
    expect(LISTED_ROLES).toEqual(ROLES.filter((r) => r !== 'admin'));
  });
});

describe('the protos', () => {
  it("carry each rpc's roles on one `Roles:` line, and no role list elsewhere", () => {
    const problems = protoDrift(readProtos());
    expect(problems, `proto comments drifted from ROLE_TABLE:\n${problems.join('\n')}`).toEqual([]);
  });

  it('a drifted Roles line, a stray header role list and a missing rpc are all caught', () => {
    const text = [
      '// Roles: everyone.',
      'service CdrIngestService {',
      '  // Ingest.',
      '  // Roles: bridge, admin.',
      '  rpc StreamCdrs(stream A) returns (stream B);',
      '  // Roles: billing, finance.',
      '  rpc ListUnratedCdrs(C) returns (D);',
      '  rpc NotInTable(E) returns (F);',
      '}',
    ].join('\n');
    const problems = protoDrift([parseProto(text, 'x.proto')]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('x.proto:1: Roles: everyone.'),
        expect.stringContaining(
          'billing.v1.CdrIngestService.StreamCdrs: expected the comment line "// Roles: bridge."',
        ),
        expect.stringContaining('billing.v1.CdrIngestService.NotInTable: in the proto but not in ROLE_TABLE'),
        expect.stringContaining('billing.v1.CdrIngestService.SubmitCdrs: in ROLE_TABLE but no such rpc'),
      ]),
    );
    expect(problems.some((p) => p.includes('ListUnratedCdrs'))).toBe(false);
  });
});

describe('the README', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

  it('holds the generated role table in "### Tokens and roles"', () => {
    const expected = renderRoleTable();
    const section = readmeSection(readme);
    const block = readmeBlock(section);
    if (block !== expected) {
      throw new Error(
        `README.md "### Tokens and roles" must hold this block (from renderRoleTable()); paste it in place of the old one:\n\n${expected}\n`,
      );
    }
  });

  it('documents bridgeIds in the tokens file', () => {
    const section = readmeSection(readme);
    expect(section).toContain('"bridgeIds"');
    expect(section).toMatch(/without them|at least one/);
  });

  it('renders one row per RPC, with a column per role', () => {
    const rows = renderRoleTable()
      .split('\n')
      .filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(
      Object.values(ROLE_TABLE).reduce((n, methods) => n + Object.keys(methods).length, 0),
    );
    expect(rows).toContain(
      '| `RatingService.ValidateRuleSet` |  |  |  |  | yes | only finance edits rule files |',
    );
  });
});
