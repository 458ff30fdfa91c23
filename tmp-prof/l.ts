import { lookupSelf } from '../src/core/vault/token.ts';
const client = { address: 'https://vault:8200', namespace: '', request: async () => ({ data: { ttl: 'x' } }) } as never;
try { await lookupSelf(client, 't'); } catch (e) { console.log((e as any).code, (e as Error).message); }
