// Inlined by the bundler (dist/cli.js is one file); read as a JSON module when run from source.
import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
