import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A folder of this user's own under the system's temporary folder, for generated modules when there is no
 * node_modules to keep them in. The emulator imports what it finds there, so a folder that someone else made (or can
 * open, or a link) is never used: the system's temporary folder is shared by every user of the machine.
 */
export function privateCacheDir(): string {
  const dir = join(tmpdir(), `wsgate-bundles-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The folder itself, not what a link of that name points to: a link someone else made could be pointed elsewhere later.
  const stat = lstatSync(dir);
  // Windows has no uid and reports every folder as writable by all; its temporary folder is the user's own anyway.
  if (process.getuid && (!stat.isDirectory() || stat.uid !== process.getuid() || (stat.mode & 0o077) !== 0)) {
    throw new Error(`${dir} is not a folder of this user's that only this user can open: remove it, or run from a project with node_modules`);
  }
  return dir;
}

/**
 * Writes generated code to `name-<hash of the code>.ext` in `dir` unless that file is there already, whole or not at
 * all: another environment, or another emulator on the same project, may be importing it at that moment. Returns the
 * file's path.
 */
export async function writeCacheFile(dir: string, name: string, extension: string, code: Uint8Array): Promise<string> {
  const file = `${dir}/${name}-${createHash('sha256').update(code).digest('hex').slice(0, 12)}.${extension}`;
  if (existsSync(file)) return file;
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, code);
  await rename(temporary, file);
  return file;
}
