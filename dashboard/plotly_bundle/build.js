// The dashboard's own plotly.js: the official source of the version plotly.py writes
// figures for, with only the trace types the dashboard draws (traces.json), built as
// plotly.js builds its own bundles (esbuild, CSS inlined).  About 3.2 MB instead of
// the 4.8 MB of every trace type, so a browser that has not yet kept plotly.js
// compiled runs a third less of it before the first map.
//
//     make plotly-bundle    (npm ci here, then: node build.js)
//
// Writes plotly-unease.min.js, whose first line names the plotly.js version;
// dashboard/plotly_script.py serves it only when that version is the one plotly.py
// writes figures for, and plotly.py's full bundle otherwise.
"use strict";
const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");
const { environmentPlugin } = require("esbuild-plugin-environment");
const InlineCSSPlugin = require("esbuild-plugin-inline-css");

const here = __dirname;
const traces = JSON.parse(fs.readFileSync(path.join(here, "traces.json"), "utf8"));
const version = require("plotly.js/package.json").version;
const entry = [
    "var Plotly = require('plotly.js/lib/core');",
    "Plotly.register([",
    ...traces.filter((t) => t !== "scatter").map((t) => `    require('plotly.js/lib/${t}'),`),
    "]);",
    "module.exports = Plotly;",
].join("\n");

esbuild
    .build({
        stdin: { contents: entry, resolveDir: here, sourcefile: "entry.js" },
        outfile: path.join(here, "plotly-unease.min.js"),
        banner: {
            js: `/*! plotly.js v${version} (traces: ${traces.join(", ")}); MIT licence, Copyright 2012-2026 Plotly, Inc. */`,
        },
        format: "iife",
        globalName: "Plotly",
        bundle: true,
        minify: true,
        legalComments: "eof",
        plugins: [InlineCSSPlugin(), environmentPlugin({ NODE_DEBUG: false })],
        alias: { regl: "@plotly/regl" },
        define: { global: "window", "define.amd": "false" },
        target: "es2016",
        logLevel: "info",
    })
    .catch(() => process.exit(1));
