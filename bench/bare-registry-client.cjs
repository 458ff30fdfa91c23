// The images benchmark's floor: a fresh Node process that does nothing but send COUNT keep-alive
// GETs of manifests to a registry, IN_FLIGHT at a time, with node:http (as our client does).
// Plain CommonJS, so starting it costs no more than starting Node.
// Usage: node bare-registry-client.cjs HOST:PORT COUNT IN_FLIGHT REPO@DIGEST...
const http = require('node:http');

const [address, countArg, inFlightArg, ...images] = process.argv.slice(2);
const [host, port] = address.split(':');
const count = Number(countArg);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(inFlightArg) });
const paths = images.map((image) => {
  const [repository, digest] = image.split('@');
  return `/v2/${repository}/manifests/${digest}`;
});

let sent = 0;
function get(path) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host,
      port,
      path,
      agent,
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${path}: ${res.statusCode}`))));
    });
    req.end();
  });
}
async function worker() {
  while (sent < count) await get(paths[sent++ % paths.length]);
}

Promise.all(Array.from({ length: Number(inFlightArg) }, worker)).then(
  () => agent.destroy(),
  (error) => {
    console.error(String(error));
    process.exit(1);
  },
);
