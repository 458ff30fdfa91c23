#!/usr/bin/env node
"use strict";var o=require("node:module");function r(){try{(0,o.enableCompileCache)()}catch{}}function t(e,i){if(!(Number(/^v?(\d+)\./.exec(e)?.[1])>=24))return`this needs Node 24 or newer, but runs on Node ${e} \u2014 ${i}`}var n="install Node 24 (https://nodejs.org) and run spiffe-vault with it";var s=t(process.version,n);s?(process.stderr.write(`spiffe-vault: error [NODE_VERSION_UNSUPPORTED]: ${s}
`),process.exitCode=1):(r(),require("./cli-run.js").main());
