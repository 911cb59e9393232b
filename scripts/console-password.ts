import { runPasswordCli } from '../src/auth/password-cli.js';

// Thin on purpose: the rules and words live in src/auth/password-cli.ts; this file only talks to
// the terminal (raw mode, so the typed password is never echoed) or reads a pipe.
const stdin = process.stdin;

function readHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\u0003') {
          process.stderr.write('\n');
          process.exit(130);
        }
        if (char === '\r' || char === '\n' || char === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(typed);
        }
        typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
      }
    };
    stdin.on('data', onData);
  });
}

let piped: Promise<string> | undefined;
async function readPipe(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  // The first line only: `echo` adds a newline that is not part of the password.
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

process.exitCode = await runPasswordCli(process.argv.slice(2), {
  interactive: stdin.isTTY === true,
  readSecret: (prompt) => (stdin.isTTY ? readHidden(prompt) : (piped ??= readPipe())),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
