// The auth benchmark's second floor: a fresh Node process that does the whole login with Node's
// own modules and nothing else: one FetchJWTSVID call over HTTP/2 to the Workload API (the gRPC
// framing and the few protobuf fields written by hand), then the JWT login to Vault over HTTP.
// What any Node client of this job must spend; our bundles add their libraries on top.
// Usage: node bare-login-client.cjs unix:///AGENT.sock VAULT_ADDR ROLE AUDIENCE
const { Buffer } = require('node:buffer');
const http2 = require('node:http2');
const https = require('node:https');
const http = require('node:http');
const net = require('node:net');
const { URL } = require('node:url');

const [socket, vaultAddr, role, audience] = process.argv.slice(2);

/** A length-delimited protobuf field (wire type 2). */
function field(number, bytes) {
  const length = [];
  for (let n = bytes.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([(number << 3) | 2, ...length]), bytes]);
}

/** The length-delimited fields of a protobuf message: [number, bytes] pairs. */
function fields(message) {
  const out = [];
  for (let at = 0; at < message.length;) {
    const key = message[at++];
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = message[at++];
      length |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    out.push([key >> 3, message.subarray(at, at + length)]);
    at += length;
  }
  return out;
}

function fetchJwtSvid() {
  const path = socket.replace(/^unix:\/\//, '');
  const session = http2.connect('http://localhost', { createConnection: () => net.connect(path) });
  const request = field(1, Buffer.from(audience));
  const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), request]);
  frame.writeUInt32BE(request.length, 1);
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': '/SpiffeWorkloadAPI/FetchJWTSVID',
      'content-type': 'application/grpc',
      te: 'trailers',
      'workload.spiffe.io': 'true',
    });
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('error', reject);
    stream.on('end', () => {
      session.close();
      const body = Buffer.concat(chunks).subarray(5);
      const svid = fields(body).find(([n]) => n === 1);
      const jwt = svid && fields(svid[1]).find(([n]) => n === 2);
      if (jwt) resolve(jwt[1].toString('utf8'));
      else reject(new Error('no JWT-SVID in the answer'));
    });
    stream.end(frame);
  });
}

function login(jwt) {
  const url = new URL(`${vaultAddr}/v1/auth/jwt/login`);
  const body = JSON.stringify({ role, jwt });
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (answer.auth?.client_token) resolve(answer.auth.client_token);
        else reject(new Error(`login failed: ${response.statusCode}`));
      });
    });
    request.end(body);
  });
}

fetchJwtSvid()
  .then(login)
  .then(
    () => process.stdout.write('VAULT_TOKEN=(set)\n'),
    (error) => {
      console.error(String(error));
      process.exit(1);
    },
  );
