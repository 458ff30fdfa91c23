// dist/proxy.js: the job-local Vault proxy that the main step starts with `proxy: true` (see
// src/action/proxy-daemon.ts). The main step checked the Node version already.
import { useCompileCache } from './compile-cache.ts';

useCompileCache();
// dist/proxy-run.js (src/action/proxy-daemon.ts): a bundle of its own, so the compile cache covers it.
void (require('./proxy-run.js') as typeof import('../action/proxy-daemon.ts')).run();
