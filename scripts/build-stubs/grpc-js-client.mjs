// Stands in for @grpc/grpc-js's index in the bundles: the client half only. The index loads the
// gRPC server, channelz's admin service, ORCA and every load balancer at start-up; the Workload
// API client needs a channel to one address. Exports what src/ imports from '@grpc/grpc-js'
// (Client, credentials.createInsecure, Metadata, status) and registers what such a channel uses:
// the unix, dns and ip resolvers and the pick_first load balancer (grpc-js's default).
// The index's order matters: the channel module loads before the client module (their requires
// are circular, through channelz and make-client).
import '@grpc/grpc-js/build/src/call-credentials.js';
import '@grpc/grpc-js/build/src/channel.js';
import { Client } from '@grpc/grpc-js/build/src/client.js';
import { ChannelCredentials } from '@grpc/grpc-js/build/src/channel-credentials.js';
import { Metadata } from '@grpc/grpc-js/build/src/metadata.js';
import { Status } from '@grpc/grpc-js/build/src/constants.js';
import * as resolverUds from '@grpc/grpc-js/build/src/resolver-uds.js';
import * as resolverDns from '@grpc/grpc-js/build/src/resolver-dns.js';
import * as resolverIp from '@grpc/grpc-js/build/src/resolver-ip.js';
import * as pickFirst from '@grpc/grpc-js/build/src/load-balancer-pick-first.js';

resolverUds.setup();
resolverDns.setup();
resolverIp.setup();
pickFirst.setup();

export { Client, Metadata, Status as status };
export const credentials = { createInsecure: () => ChannelCredentials.createInsecure() };
