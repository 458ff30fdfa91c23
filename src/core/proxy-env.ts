/** HTTP_PROXY / HTTPS_PROXY / NO_PROXY (either case) out of an environment, for Node's agents. */
export function pickProxyEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) {
    const value = env[name];
    if (value) picked[name] = value;
  }
  return picked;
}
