/**
 * The layers, checked in CI (`npm run lint:boundaries`). Inner layers never import outer ones:
 *
 *   domain        pure business rules (rating, money, periods, invoices): imports only domain
 *                 (and node:crypto, for hashes: a pure function, no I/O)
 *   app           use cases and the ports they need: domain, app; no node builtins, files or adapters
 *   transport     gRPC: app, domain, generated code, auth, observability; never persistence
 *   persistence   implements app ports; never calls a use case
 *   adapters      implement app ports on the outside world (files, networks): like persistence
 *   composition   src/compose, src/service.ts and src/cli wire everything together
 *   console       src/console, the browser app: its own files, the generated protobuf-es client
 *                 (src/gen/es) and the role table; nothing on the server imports it
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-domain',
      comment: 'The domain is plain TypeScript: no use cases, adapters, node builtins or generated code.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/|^crypto$|^node_modules/(decimal\\.js|luxon|json-rules-engine)/' },
    },
    {
      name: 'app-imports-domain-and-ports',
      comment: 'Use cases reach files, rule loaders, renderers and databases only through ports.',
      severity: 'error',
      from: { path: '^src/app/' },
      to: {
        pathNot: '^src/(app|domain)/|^crypto$|^node_modules/(decimal\\.js|luxon|json-rules-engine)/',
      },
    },
    {
      name: 'transport-never-imports-persistence',
      comment: 'gRPC handlers call use cases; storage is wired in by the composition root.',
      severity: 'error',
      from: { path: '^src/transport/' },
      to: {
        path: '^src/(persistence|adapters|cli|compose|importers|rules-files|documents)/|^src/service\\.ts$',
      },
    },
    {
      name: 'persistence-never-calls-use-cases',
      comment: 'Persistence implements ports; it may use their types, never run a use case.',
      severity: 'error',
      from: { path: '^src/persistence/' },
      to: {
        path: '^src/app/',
        pathNot: '(ports|rerate-ports|paging|mutations|clock)\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'adapters-never-call-use-cases',
      comment:
        'An adapter (src/adapters) implements a port; it may use its types, never run a use case or touch the database.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: {
        path: '^src/app/|^src/persistence/',
        pathNot: 'ports\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'adapters-never-import-transport-or-composition',
      severity: 'error',
      from: { path: '^src/(persistence|adapters|rules-files|documents|importers|domain|app)/' },
      to: { path: '^src/(transport|cli|compose)/|^src/service\\.ts$' },
    },
    {
      name: 'console-imports-only-its-client-and-the-role-table',
      comment:
        'The browser console talks to the service only through the generated client; the role table decides what it shows.',
      severity: 'error',
      from: { path: '^src/console/' },
      to: {
        pathNot:
          '^src/console/|^src/gen/es/|^src/auth/roles\\.ts$|^src/transport/grpc/access-policy\\.ts$|(^|/)node_modules/(react|react-dom|scheduler|@connectrpc/connect|@connectrpc/connect-web|@bufbuild/protobuf)/',
      },
    },
    {
      name: 'server-never-imports-console',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/console/' },
      to: { path: '^src/console/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/gen/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
