import { hashPassword, HASH_FORMAT } from './password-hash.js';

/**
 * `npm run console-password`: reads a password and prints its hash for `console.people` in
 * triage.config.yml (docs/architecture.md, "Console login"). The password is read from the terminal without
 * echo (asked twice) or from a pipe (its first line); it is never printed or written anywhere.
 */
export type PasswordCliIo = {
  /** True when stdin is a terminal: the password is typed, hidden, and asked twice. */
  interactive: boolean;
  /** Reads one line: hidden from a terminal, or the first line of a pipe. */
  readSecret(prompt: string): Promise<string>;
  out(line: string): void;
  err(line: string): void;
};

const MIN_LENGTH = 12;
const MAX_LENGTH = 1024;
const HELP = [
  'Usage: npm run console-password            (type the password; it is not shown)',
  '       printf %s "$PASSWORD" | npm run --silent console-password',
  `Prints a hash (${HASH_FORMAT}) to put under console.people in triage.config.yml:`,
  "  console:\n    people:\n      - { id: mike, name: Mike, passwordHash: 'scrypt$...' }",
  'and set TRIAGE_CONSOLE_SESSION_SECRET (e.g. openssl rand -base64 48), the same on every replica.',
];

export async function runPasswordCli(args: string[], io: PasswordCliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    HELP.forEach((line) => io.out(line));
    return 0;
  }
  if (args.length > 0) {
    io.err(`console-password takes no arguments (found ${args.join(' ')}); the password is read from the terminal or a pipe.`);
    return 2;
  }
  const password = await io.readSecret('Console password: ');
  const problem = weakness(password);
  if (problem) {
    io.err(problem);
    return 1;
  }
  if (io.interactive && (await io.readSecret('Again, to confirm: ')) !== password) {
    io.err('The two passwords differ; nothing was printed. Run it again.');
    return 1;
  }
  io.out(await hashPassword(password));
  io.err('Put this hash in triage.config.yml as the passwordHash of a console.people entry (README, "Console login").');
  return 0;
}

function weakness(password: string): string | undefined {
  if (password.length === 0) return 'No password was given: type one, or pipe it in (printf %s "$PASSWORD" | npm run --silent console-password).';
  if (password.length < MIN_LENGTH) return `The password is ${password.length} characters; use at least ${MIN_LENGTH} (a passphrase of a few words is easy to type).`;
  if (password.length > MAX_LENGTH) return `The password is ${password.length} characters; at most ${MAX_LENGTH} are accepted.`;
  return undefined;
}
