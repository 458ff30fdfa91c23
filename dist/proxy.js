"use strict";var o=require("node:module");function e(){try{(0,o.enableCompileCache)()}catch{}}e();require("./proxy-run.js").run();
