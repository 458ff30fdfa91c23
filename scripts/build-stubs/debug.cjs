// Stands in for `debug` in the bundles. Only node-vault requires it, to make a default logger
// that we always replace with our own no-op (that default prints request bodies, the JWT-SVID
// among them, when DEBUG is set). Leaving it out also spares its start-up (tty, colours).
'use strict';
module.exports = function createDebug() {
  return function debug() {};
};
