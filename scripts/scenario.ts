import { runScenarioCli } from '../src/platform/scenarios/cli.js';

// Thin on purpose: argument parsing, token lookup and the words for each failure live in
// src/platform/scenarios/cli.ts, where tests reach them.
process.exitCode = await runScenarioCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
