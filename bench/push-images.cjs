// Pushes COUNT fresh images to a registry for the images benchmark, fast enough for 500 at a
// time (crane takes ~20 ms a push): each an OCI manifest whose config is unique (PREFIX and the
// index), and no layers, which is all a signature needs of an image. Prints REPO@DIGEST lines.
// Usage: node push-images.cjs HOST:PORT REPO PREFIX COUNT
const { Buffer } = require('node:buffer');
const http = require('node:http');
const { createHash } = require('node:crypto');

const [address, repository, prefix, countArg] = process.argv.slice(2);
const [host, port] = address.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function send(method, path, body, type) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': type, 'content-length': body.length };
    const req = http.request({ host, port, path, method, agent, headers });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode < 300 ? resolve() : reject(new Error(`${method} ${path}: ${res.statusCode}`)),
      );
    });
    req.end(body);
  });
}

async function push(i) {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [] },
      config: { Labels: { image: `${prefix}-${i}` } },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: config.length, digest: sha256(config) },
      layers: [],
    }),
  );
  await send('POST', `/v2/${repository}/blobs/uploads/?digest=${sha256(config)}`, config, 'application/octet-stream');
  await send(
    'PUT',
    `/v2/${repository}/manifests/${prefix}-${i}`,
    manifest,
    'application/vnd.oci.image.manifest.v1+json',
  );
  return `${repository}@${sha256(manifest)}`;
}

const count = Number(countArg);
const pushed = new Array(count);
let next = 0;
async function worker() {
  while (next < count) {
    const i = next++;
    pushed[i] = await push(i);
  }
}
Promise.all(Array.from({ length: 8 }, worker)).then(
  () => {
    agent.destroy();
    process.stdout.write(`${pushed.join('\n')}\n`);
  },
  (error) => {
    console.error(String(error));
    process.exit(1);
  },
);
