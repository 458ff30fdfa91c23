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

// @actions/core's `platform` export loads @actions/exec and child_process with it at start-up;
// we never read it. (@actions/exec stays for the `run` input, loaded only when a run uses it.)
const corePlatformStub: Plugin = {
  name: 'actions-core-platform-stub',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/platform\.js$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]/.test(args.importer)
        ? { path: join(import.meta.dirname, 'build-stubs', 'actions-core-platform.mjs') }
        : undefined,
    );
  },
};

const result = await build({
  entryPoints: {
    main: 'src/entry/action-main.ts',
    post: 'src/entry/action-post.ts',
    cli: 'src/entry/cli.ts',
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
  alias: {
    axios: './scripts/build-stubs/axios.cjs',
    '@grpc/proto-loader': './scripts/build-stubs/proto-loader.cjs',
    debug: './scripts/build-stubs/debug.cjs',
  },
  plugins: [sideEffectFree, corePlatformStub],
});

for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith('.js')) console.log(`${file.padEnd(24)} ${(meta.bytes / 1024).toFixed(0).padStart(6)} KiB`);
}
