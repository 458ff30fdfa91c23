// Stands in for mustache in the bundles. node-vault uses it only to fill in the paths of its
// generated API methods, which the bundles leave out (see node-vault-commands.cjs).
'use strict';
module.exports = {
  render() {
    throw new Error('mustache is not bundled: node-vault API methods are not available, use client.request');
  },
};
