// A Workload API agent that answers FetchX509SVID with whatever a test gives it (another SPIFFE
// ID than asked, an expired certificate), on a unix socket in a temp dir; and X.509-SVIDs made by
// openssl with chosen validity dates (`openssl ca` can date a certificate in the past).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials, type ServerWritableStream } from '@grpc/grpc-js';
import { workloadApiService } from '../../helpers/workload-proto.ts';

export interface WireX509Svid {
  readonly spiffe_id: string;
  readonly x509_svid: Buffer;
  readonly x509_svid_key: Buffer;
  readonly bundle: Buffer;
  readonly hint: string;
}

export class X509SvidAgent {
  readonly dir = mkdtempSync(join(tmpdir(), 'svid-agent-'));
  svids: WireX509Svid[] = [];
  calls = 0;
  private server: Server | undefined;

  get address(): string {
    return `unix://${join(this.dir, 'agent.sock')}`;
  }

  async start(): Promise<this> {
    const server = new Server();
    server.addService(workloadApiService(), {
      FetchX509SVID: (call: ServerWritableStream<unknown, unknown>) => {
        this.calls++;
        call.write({ svids: this.svids }); // and keep the stream open, as SPIRE does
      },
    });
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(this.address, ServerCredentials.createInsecure(), (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    this.server = server;
    return this;
  }

  stop(): void {
    this.server?.forceShutdown();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `YYYYMMDDHHMMSSZ`, as `openssl ca -startdate/-enddate` takes it. */
function opensslDate(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

const CA_CONFIG = (spiffeId: string) =>
  [
    '[ca]',
    'default_ca = svid',
    '[svid]',
    'database = index.txt',
    'new_certs_dir = .',
    'serial = serial',
    'default_md = sha256',
    'policy = any',
    'unique_subject = no',
    'x509_extensions = ext',
    '[any]',
    'commonName = supplied',
    '[ext]',
    `subjectAltName = URI:${spiffeId}`,
    '',
  ].join('\n');

/** A self-signed P-256 X.509-SVID for `spiffeId` (its URI SAN), valid from `notBefore` to `notAfter`. */
export function x509Svid(spiffeId: string, validity: { notBefore: Date; notAfter: Date }): WireX509Svid {
  const dir = mkdtempSync(join(tmpdir(), 'svid-cert-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem'];
    openssl('req', '-new', ...newKey, '-out', 'req.csr', '-subj', '/CN=runner');
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG(spiffeId));
    const dates = ['-startdate', opensslDate(validity.notBefore), '-enddate', opensslDate(validity.notAfter)];
    const ca = ['-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'key.pem'];
    openssl('ca', ...ca, '-in', 'req.csr', '-out', 'cert.pem', ...dates);
    const certDer = openssl('x509', '-in', 'cert.pem', '-outform', 'DER');
    const keyDer = openssl('pkcs8', '-topk8', '-nocrypt', '-in', 'key.pem', '-outform', 'DER');
    return { spiffe_id: spiffeId, x509_svid: certDer, x509_svid_key: keyDer, bundle: certDer, hint: '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
