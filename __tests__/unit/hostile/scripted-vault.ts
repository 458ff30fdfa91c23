// A Vault that answers by route and can break any answer on purpose: malformed JSON, a transit
// batch of the wrong length, items out of order. It signs for real (the transit fixtures' keys and
// SHA-256 over data it was told about), so the signatures it gets right verify.
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface VaultExchange {
  readonly method: string;
  readonly path: string;
  readonly token: string | undefined;
  readonly body: string;
}

/** A JSON answer, or `raw` bytes sent as they are (with the JSON content type all the same). */
export type VaultAnswer = { readonly status?: number; readonly json?: unknown; readonly raw?: string };

export interface SignItem {
  signature?: string;
  key_version?: number;
  reference?: string;
}

export const KEY_NAME = 'cosign';

export class ScriptedVault {
  readonly seen: VaultExchange[] = [];
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Routes tried before the defaults: return undefined to fall through. */
  route: (exchange: VaultExchange) => VaultAnswer | undefined = () => undefined;
  /** What the sign endpoint does to its correct items before answering. */
  mangle: (items: SignItem[]) => unknown[] = (items) => items;
  private readonly data = new Map<string, Buffer>();
  private server: Server | undefined;
  address = '';

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** node cannot sign a given digest: the fake signs the data whose SHA-256 it is asked to sign. */
  knows(contents: readonly Buffer[]): this {
    for (const content of contents) this.data.set(createHash('sha256').update(content).digest('base64'), content);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.address = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  signRequests(): VaultExchange[] {
    return this.seen.filter((e) => e.path.includes('/sign/'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const token = req.headers['x-vault-token'];
    const exchange: VaultExchange = {
      method: req.method ?? '',
      path: req.url ?? '',
      token: Array.isArray(token) ? token[0] : token,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.seen.push(exchange);
    const answer = this.route(exchange) ?? this.defaultAnswer(exchange);
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
    res.end(answer.raw ?? (answer.json === undefined ? '' : JSON.stringify(answer.json)));
  }

  private defaultAnswer(exchange: VaultExchange): VaultAnswer {
    if (exchange.path === `/v1/transit/keys/${KEY_NAME}`) {
      const pem = this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      return {
        json: {
          data: {
            type: 'ecdsa-p256',
            latest_version: 1,
            min_decryption_version: 1,
            keys: { '1': { name: 'P-256', public_key: pem } },
          },
        },
      };
    }
    if (exchange.path === `/v1/transit/sign/${KEY_NAME}/sha2-256`) {
      const body = JSON.parse(exchange.body) as { batch_input: { input: string; reference: string }[] };
      const items = body.batch_input.map(({ input, reference }) => {
        const content = this.data.get(input);
        if (!content) throw new Error(`scripted Vault: no data for digest ${input}`);
        const der = sign('sha256', content, { key: this.privateKey, dsaEncoding: 'der' });
        return { signature: `vault:v1:${der.toString('base64')}`, key_version: 1, reference };
      });
      return { json: { data: { batch_results: this.mangle(items) } } };
    }
    if (exchange.path === '/v1/auth/token/lookup-self') {
      return { json: { data: { ttl: 600, policies: ['default', 'ci-sign'], renewable: false } } };
    }
    return { status: 404, json: { errors: [] } };
  }
}
