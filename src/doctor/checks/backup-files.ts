import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { err, ok, type Result } from '../../result.js';

export type NewestBackup = { file: string; modifiedAt: Date };

const hasWildcard = (segment: string): boolean => /[*?]/.test(segment);

/** `*` and `?` within one path segment, as a shell matches them; everything else is literal. */
export function segmentPattern(glob: string): RegExp {
  const body = [...glob]
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** Why a path could not be read, in words: the report shows this, not an errno. */
function unreadable(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return `${path} does not exist`;
  if (code === 'EACCES' || code === 'EPERM') return `cannot read ${path}: permission denied`;
  return `cannot read ${path}: ${code ?? (error instanceof Error ? error.message : String(error))}`;
}

/**
 * The newest regular file among `names` in `dir`. Dotfiles are skipped, as a shell's `*` skips
 * them: backup tools write their in-progress file as one, and a fresh partial file must not pass
 * for a finished backup. Symlinks count by what they point at.
 */
async function newestOf(dir: string, names: string[]): Promise<NewestBackup | undefined> {
  let newest: NewestBackup | undefined;
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const file = join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    if (!newest || info.mtime > newest.modifiedAt) newest = { file, modifiedAt: info.mtime };
  }
  return newest;
}

async function list(dir: string): Promise<Result<string[], string>> {
  try {
    return ok(await readdir(dir));
  } catch (error) {
    return err(unreadable(dir, error));
  }
}

/**
 * The newest backup at `path`: a directory (its newest file), a glob whose last segment has `*`
 * or `?` (the newest match), or a single file. Node 20 has no fs.glob, and one segment is all a
 * backup location needs. The error is a sentence for the report.
 */
export async function newestBackup(path: string): Promise<Result<NewestBackup, string>> {
  if (hasWildcard(basename(path))) {
    const dir = dirname(path);
    const names = await list(dir);
    if (!names.ok) return names;
    const pattern = segmentPattern(basename(path));
    const newest = await newestOf(dir, names.value.filter((n) => pattern.test(n)));
    return newest ? ok(newest) : err(`no backup found matching ${path}`);
  }
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    return err(unreadable(path, error));
  }
  if (info.isFile()) return ok({ file: path, modifiedAt: info.mtime });
  const names = await list(path);
  if (!names.ok) return names;
  const newest = await newestOf(path, names.value);
  return newest ? ok(newest) : err(`no backup found in ${path}`);
}
