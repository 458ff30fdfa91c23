// The images benchmark's request floor: a fresh Node process that sends, with node:http and
// nothing else, the registry requests a legacy (`.sig` tag) signature of each image needs, as
// our run sends them: read the image manifest, read its `.sig` tag (404), upload the payload and
// the config blob (one POST each), put the `.sig` manifest, and check it back (HEAD: the digest
// served is the one put). IN_FLIGHT images at
// a time over keep-alive connections. The signature annotation is random bytes: what the floor
// bounds is the registry traffic; the Vault side is measured apart (see images.ts).
// Usage: node bare-signature-client.cjs HOST:PORT IN_FLIGHT REPO@DIGEST...
const { Buffer } = require('node:buffer');
const http = require('node:http');
const { createHash, randomBytes } = require('node:crypto');

const [address, inFlightArg, ...images] = process.argv.slice(2);
const [host, port] = address.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(inFlightArg) });
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function send(method, path, ok, body, type) {
  return new Promise((resolve, reject) => {
    const headers = { accept: OCI_MANIFEST };
    if (body) Object.assign(headers, { 'content-type': type, 'content-length': body.length });
    const req = http.request({ host, port, path, method, agent, headers });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        ok.includes(res.statusCode)
          ? resolve(Buffer.concat(chunks))
          : reject(new Error(`${method} ${path}: ${res.statusCode}`)),
      );
    });
    req.end(body);
  });
}

async function sign(image) {
  const [repository, digest] = image.split('@');
  const base = `/v2/${repository}`;
  const tag = `${digest.replace(':', '-')}.sig`;
  await send('GET', `${base}/manifests/${digest}`, [200]);
  await send('GET', `${base}/manifests/${tag}`, [200, 404]);
  const payload = Buffer.from(
    JSON.stringify({ critical: { image: { 'docker-manifest-digest': digest } }, optional: {} }),
  );
  const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: [sha256(payload)] } }));
  const upload = (blob) =>
    send('POST', `${base}/blobs/uploads/?digest=${sha256(blob)}`, [201, 202], blob, 'application/octet-stream');
  await Promise.all([upload(payload), upload(config)]);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha256(config) },
      layers: [
        {
          mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
          size: payload.length,
          digest: sha256(payload),
          annotations: { 'dev.cosignproject.cosign/signature': randomBytes(70).toString('base64') },
        },
      ],
    }),
  );
  await send('PUT', `${base}/manifests/${tag}`, [201], manifest, OCI_MANIFEST);
  await send('HEAD', `${base}/manifests/${tag}`, [200]);
}

let next = 0;
async function worker() {
  while (next < images.length) await sign(images[next++]);
}

Promise.all(Array.from({ length: Number(inFlightArg) }, worker)).then(
  () => agent.destroy(),
  (error) => {
    console.error(String(error));
    process.exit(1);
  },
);
