// Stands in for long.js in the bundles. protobufjs requires it at load time, to represent 64-bit
// integers when it is installed; the Workload API messages we encode and decode have none
// (proto/workload.proto), so protobufjs's own Long-less path is all we use. Not a Long class
// (no `isLong`): protobufjs then works without one, as when long.js is absent.
'use strict';
module.exports = null;
