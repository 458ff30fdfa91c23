// Bundles each adapter into one CommonJS file in dist/ (dist/package.json marks them so).
// CommonJS because an ESM import of node:http builds its whole namespace, which loads Node's
// internal undici (~60 ms of start-up); require() does not. esbuild output is deterministic,
// so building twice gives the same bytes; CI checks that dist/ is fresh. dist/licenses.txt gives
// the licence of every package the bundles include, and the build fails on one not allowed.
import { build, type Plugin } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundledInputs, collectPackages, LicenceCheckError, renderLicenses } from './licenses.ts';

const outdir = process.argv[2] ?? 'dist';

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

// Modules of our dependencies replaced, for one importer only, by smaller stand-ins (see each
// stub's first comment for why it is safe): what a login never runs stays out of start-up.
const STUBS: ReadonlyArray<{ importer: RegExp; path: RegExp; stub: string }> = [
  // @actions/core's `platform` export loads @actions/exec and child_process at start-up; we never
  // read it. (@actions/exec stays for the `run` input, loaded only when a run uses it.)
  { importer: /[\\/]@actions[\\/]core[\\/]/, path: /^\.\/platform\.js$/, stub: 'actions-core-platform.mjs' },
  // node-vault's table of generated API methods, and the two libraries only they use.
  { importer: /[\\/]node-vault[\\/]/, path: /^\.\/commands\.js$/, stub: 'node-vault-commands.cjs' },
  { importer: /[\\/]node-vault[\\/]/, path: /^mustache$/, stub: 'mustache.cjs' },
  { importer: /[\\/]node-vault[\\/]/, path: /^tv4$/, stub: 'tv4.cjs' },
  // protobufjs's optional 64-bit integers: our Workload API messages have none.
  { importer: /[\\/]protobufjs[\\/]/, path: /^long$/, stub: 'long.cjs' },
  // Node modules grpc-js loads at start-up for what a Workload API call does not use.
  { importer: /[\\/]@grpc[\\/]grpc-js[\\/]/, path: /^zlib$/, stub: 'grpc-js-lazy-zlib.cjs' },
  { importer: /[\\/]@grpc[\\/]grpc-js[\\/]/, path: /^dns$/, stub: 'grpc-js-lazy-dns.cjs' },
  // grpc-js's index (server, channelz admin, ORCA, every load balancer) for our code: the client half.
  { importer: /^(?!.*[\\/]node_modules[\\/]).*[\\/]src[\\/]/, path: /^@grpc\/grpc-js$/, stub: 'grpc-js-client.mjs' },
];
const dependencyStubs: Plugin = {
  name: 'dependency-stubs',
  setup(pluginBuild) {
    for (const { importer, path, stub } of STUBS) {
      pluginBuild.onResolve({ filter: path }, (args) =>
        importer.test(args.importer) ? { path: join(import.meta.dirname, 'build-stubs', stub) } : undefined,
      );
    }
  },
};

// The bundles import package.json for its version and repository (links into the docs) only:
// bundle just those fields, so a change to package.json's scripts or dependencies does not
// change dist/.
const ownPackageJson = join(import.meta.dirname, '..', 'package.json');
const versionOnly: Plugin = {
  name: 'package-version-and-repository-only',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]package\.json$/ }, (args) => {
      if (args.path !== ownPackageJson) return undefined;
      const { version, repository } = JSON.parse(readFileSync(args.path, 'utf8')) as {
        version: string;
        repository: { url: string };
      };
      return { contents: JSON.stringify({ version, repository: { url: repository.url } }), loader: 'json' };
    });
  },
};

const result = await build({
  entryPoints: {
    main: 'src/entry/action-main.ts',
    post: 'src/entry/action-post.ts',
    cli: 'src/entry/cli.ts',
    proxy: 'src/entry/action-proxy.ts',
    // What the entries above require() once the Node version is checked and the compile cache is on.
    'action-run': 'src/action/main-step.ts',
    'cli-run': 'src/cli/main.ts',
    'proxy-run': 'src/action/proxy-daemon.ts',
  },
  // The entries' require() of those bundles stays a require() at run time.
  external: ['./action-run.js', './cli-run.js', './proxy-run.js'],
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  // dist/licenses.txt has each package's licence; a notice inside the code (none today) is for
  // one file, maybe of another origin, so it goes beside its bundle as <bundle>.LEGAL.txt.
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  alias: {
    axios: './scripts/build-stubs/axios.cjs',
    '@grpc/proto-loader': './scripts/build-stubs/proto-loader.cjs',
    debug: './scripts/build-stubs/debug.cjs',
  },
  plugins: [sideEffectFree, dependencyStubs, versionOnly],
  // Held in memory until the licence check passes: a failed build leaves dist/ as it was.
  write: false,
});

let licenses: string;
let packageCount: number;
try {
  const packages = collectPackages(bundledInputs(result.metafile), { root: process.cwd() });
  licenses = renderLicenses(packages);
  packageCount = packages.length;
} catch (error) {
  if (!(error instanceof LicenceCheckError)) throw error;
  console.error(error.message);
  process.exit(1);
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
for (const file of result.outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  // A script with a shebang (the CLI) is executable, as esbuild itself would write it.
  writeFileSync(file.path, file.contents, { mode: file.text.startsWith('#!') ? 0o755 : 0o644 });
}
writeFileSync(join(outdir, 'licenses.txt'), licenses);

for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (file.endsWith('.js')) console.log(`${file.padEnd(24)} ${(meta.bytes / 1024).toFixed(0).padStart(6)} KiB`);
}
console.log(`${join(outdir, 'licenses.txt').padEnd(24)} ${String(packageCount).padStart(6)} packages`);
