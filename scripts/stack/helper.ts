// Small helpers for the stack scripts that are easier with Node's built-ins than with shell.
//   node helper.ts free-ports N            prints N distinct free TCP ports on 127.0.0.1
//   node helper.ts jwt-config BUNDLE OUT   turns SPIRE's bundle (`bundle show -format spiffe`,
//                                          a JWKS) into the body of OpenBao's auth/jwt/config
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';

async function freePorts(n: number): Promise<number[]> {
  // Keep all listeners open until every port is known, so the ports are distinct.
  const servers: Server[] = [];
  for (let i = 0; i < n; i++) {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    servers.push(server);
  }
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function jwtConfig(bundlePath: string, outPath: string): void {
  const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as { keys?: (JsonWebKey & { use?: string })[] };
  const pems = (bundle.keys ?? [])
    .filter((k) => k.use === 'jwt-svid')
    .map((jwk) => createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString());
  if (pems.length === 0) throw new Error(`no "use": "jwt-svid" keys in ${bundlePath}`);
  const config = { jwt_validation_pubkeys: pems, jwt_supported_algs: ['ES256'] };
  writeFileSync(outPath, JSON.stringify(config, null, 2) + '\n');
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'free-ports') {
  console.log((await freePorts(Number(args[0] ?? '1'))).join(' '));
} else if (cmd === 'jwt-config' && args[0] && args[1]) {
  jwtConfig(args[0], args[1]);
} else {
  console.error('usage: helper.ts free-ports N | jwt-config BUNDLE OUT');
  process.exit(2);
}
