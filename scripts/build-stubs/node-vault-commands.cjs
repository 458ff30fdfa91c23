// Stands in for node-vault's commands.js in the bundles: its table of ~200 generated API methods
// (and their request schemas). We call only `client.request`, so no method is generated.
'use strict';
module.exports = {};
