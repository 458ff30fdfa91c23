// Stands in for axios in the bundles. node-vault requires axios at load time but only uses it
// when it is not given a transport; we always give it ours (src/core/vault/transport.ts).
// Leaving axios out saves ~250 KiB (axios, form-data, mime-db, follow-redirects) of start-up.
'use strict';
module.exports = {
  create() {
    throw new Error('axios is not bundled: pass node-vault a request-promise transport');
  },
};
