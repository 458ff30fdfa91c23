// dist/proxy.js: the job-local Vault proxy that the main step starts with `proxy: true` (see
// src/action/proxy-daemon.ts). The main step checked the Node version already.
void import('../action/proxy-daemon.ts').then(({ run }) => run());
