/** TLS from configured files: a client that trusts the CA talks to it; a plaintext client cannot. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChannelCredentials } from '@grpc/grpc-js';
import { createChannel, createClient } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { createClient as createConnectClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { CustomerService } from '../../src/gen/es/billing/v1/customer_service_pb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service';

let t: TestService;
let certDir: string;
beforeAll(async () => {
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certDir, stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  fs.writeFileSync(path.join(certDir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'server.crt',
  );
  t = await startTestService({
    env: {
      BILLING_TLS_CERT: path.join(certDir, 'server.crt'),
      BILLING_TLS_KEY: path.join(certDir, 'server.key'),
      BILLING_CONSOLE_ADDR: '127.0.0.1:0',
    },
  });
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(certDir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('serves clients that trust its certificate and refuses plaintext', async () => {
    const secure = createChannel(
      `localhost:${t.service.port}`,
      ChannelCredentials.createSsl(fs.readFileSync(path.join(certDir, 'ca.crt'))),
    );
    const health = await createClient(HealthDefinition, secure).check({ service: '' });
    expect(health.status).toBe(1); // SERVING
    secure.close();

    const plain = createChannel(`127.0.0.1:${t.service.port}`);
    await expect(
      createClient(HealthDefinition, plain).check({ service: '' }, { signal: AbortSignal.timeout(3000) }),
    ).rejects.toThrow();
    plain.close();
  });

  it('forwards the browser console calls to the TLS server', async () => {
    const transport = createConnectTransport({
      baseUrl: `http://127.0.0.1:${t.service.consolePort}`,
      httpVersion: '1.1',
    });
    const page = await createConnectClient(CustomerService, transport).listCustomers(
      {},
      { headers: { authorization: `Bearer ${t.tokenFor('sales')}` } },
    );
    expect(page.customers).toEqual([]);
  });
});
