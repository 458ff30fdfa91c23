// Stands in for @grpc/proto-loader in the bundles. grpc-js requires it only to serve channelz and
// ORCA (server-side features we never use); our Workload API codecs are generated at build time
// (scripts/gen-proto.ts). Leaving it out drops it and protobufjs's reflection (~110 KiB).
'use strict';
module.exports = {
  loadSync() {
    throw new Error('@grpc/proto-loader is not bundled: channelz and ORCA are not available');
  },
};
