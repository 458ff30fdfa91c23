// Stands in for node:zlib inside grpc-js in the bundles. grpc-js requires it at start-up for
// message compression, which a Workload API call never negotiates; this loads it the first time
// one of its exports is read.
'use strict';
let zlib;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the real module, on first use
const load = () => (zlib ??= require('node:zlib'));
module.exports = new Proxy({}, { get: (_, name) => load()[name] });
