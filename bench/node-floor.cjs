// The auth benchmark's floor: a fresh Node process that loads what any login over gRPC and HTTPS
// must load (node:http2 for the Workload API, node:https for Vault) and does nothing else.
// Plain CommonJS, like our bundles, so it starts the way they do.
require('node:http2');
require('node:https');
