// The images benchmark's request floor: a fresh Node process that sends, with node:http and
// nothing else, the registry requests a legacy (`.sig` tag) signature of each image needs, as
// our run sends them: read the image manifest, read its `.sig` tag (404), upload the payload and
// the config blob (one POST each), put the `.sig` manifest, and check it back (HEAD: the digest
// served is the one put). IN_FLIGHT images at a time over keep-alive connections. The signature
// annotation is random bytes: what the floor bounds is the registry traffic; the Vault side is
// measured apart (see images.ts).
// With --sockets, the same requests go over bare keep-alive sockets instead of node:http (the
// least any Node client can spend: a request written in one piece, an answer framed by its
// Content-Length, nothing else checked).
// Usage: node bare-signature-client.cjs [--sockets] HOST:PORT IN_FLIGHT REPO@DIGEST...
const { Buffer } = require('node:buffer');
const http = require('node:http');
const net = require('node:net');
const { createHash, randomBytes } = require('node:crypto');

const sockets = process.argv[2] === '--sockets';
const [address, inFlightArg, ...images] = process.argv.slice(sockets ? 3 : 2);
const [host, port] = address.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(inFlightArg) });
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function send(method, path, ok, body, type) {
  return (sockets ? sendOnSocket : sendWithNodeHttp)(method, path, body, type).then(({ status, body: answer }) =>
    ok.includes(status) ? answer : Promise.reject(new Error(`${method} ${path}: ${status}`)),
  );
}

function sendWithNodeHttp(method, path, body, type) {
  return new Promise((resolve, reject) => {
    const headers = { accept: OCI_MANIFEST };
    if (body) Object.assign(headers, { 'content-type': type, 'content-length': body.length });
    const req = http.request({ host, port, path, method, agent, headers });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.end(body);
  });
}

const idle = [];
function sendOnSocket(method, path, body, type) {
  const socket = idle.pop() ?? net.connect({ host, port, noDelay: true }).on('error', () => undefined);
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${address}\r\naccept: ${OCI_MANIFEST}\r\n`;
  if (body) head += `content-type: ${type}\r\ncontent-length: ${body.length}\r\n`;
  head += '\r\n';
  socket.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head);
  return new Promise((resolve, reject) => {
    let bytes = Buffer.alloc(0);
    const onData = (chunk) => {
      bytes = Buffer.concat([bytes, chunk]);
      const end = bytes.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = bytes.toString('latin1', 0, end);
      const length = method === 'HEAD' ? 0 : Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      if (bytes.length < end + 4 + length) return;
      socket.off('data', onData).off('error', reject);
      idle.push(socket);
      resolve({ status: Number(head.slice(9, 12)), body: bytes.subarray(end + 4, end + 4 + length) });
    };
    socket.on('data', onData).on('error', reject);
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
  () => {
    agent.destroy();
    for (const socket of idle) socket.destroy();
  },
  (error) => {
    console.error(String(error));
    process.exit(1);
  },
);
