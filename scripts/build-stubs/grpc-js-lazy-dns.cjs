// Stands in for node:dns inside grpc-js in the bundles. grpc-js requires it at start-up for its
// dns resolver, which only a tcp:// Workload API address uses (the usual address is a unix
// socket); this loads it the first time one of its exports is read.
'use strict';
let dns;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the real module, on first use
const load = () => (dns ??= require('node:dns'));
module.exports = new Proxy({}, { get: (_, name) => load()[name] });
