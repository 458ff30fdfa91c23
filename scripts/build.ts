// Bundles each adapter into one CommonJS file in dist/ (dist/package.json marks them so).
// CommonJS because an ESM import of node:http builds its whole namespace, which loads Node's
// internal undici (~60 ms of start-up); require() does not. esbuild output is deterministic,
// so building twice gives the same bytes; CI checks that dist/ is fresh.
import { build, type Plugin } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const outdir = process.argv[2] ?? 'dist';
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');

// @actions/core imports @actions/http-client (and so undici, ~400 KiB) only for getIDToken, which
// we never call. Both are free of load-time side effects; saying so lets esbuild drop them.
const SIDE_EFFECT_FREE = /^(@actions\/http-client|undici)(\/|$)/;
const sideEffectFree: Plugin = {
  name: 'side-effect-free',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: SIDE_EFFECT_FREE }, async (args) => {
      if (args.pluginData === 'side-effect-free') return undefined;
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'side-effect-free',
      });
      return { ...resolved, sideEffects: false };
    });
  },
};

// The signing code is a bundle of its own, loaded by dist/main.js only when there is something
// to sign, so a login-only run does not load (or parse) it.
const signingBundle: Plugin = {
  name: 'signing-bundle',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/signing\.ts$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: './signing.js', external: true } : undefined,
    );
  },
};

const result = await build({
  entryPoints: {
    main: 'src/action/main.ts',
    post: 'src/action/post.ts',
    cli: 'src/cli/main.ts',
    signing: 'src/action/signing.ts',
  },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  alias: { axios: './scripts/build-stubs/axios.cjs' },
  plugins: [sideEffectFree, signingBundle],
});

for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith('.js')) console.log(`${file.padEnd(24)} ${(meta.bytes / 1024).toFixed(0).padStart(6)} KiB`);
}
