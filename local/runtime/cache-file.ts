import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

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
