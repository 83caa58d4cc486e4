import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFiles, readBuildRecord, writeBuildRecord } from '../../../local/runtime/build-record.ts';

const dir = mkdtempSync(join(tmpdir(), 'build-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('build records', () => {
  it('are not written when a file of the build was modified after the build began (which content it read is unknown)', async () => {
    const input = join(dir, 'racing.ts');
    writeFileSync(input, 'export const n = 1;\n');
    const started = Date.now();
    const before = new Date(started - 60_000);
    utimesSync(input, before, before);
    const record = { load: { kind: 'tsx' } as const, files: [input] };
    await writeBuildRecord(dir, 'quiet', 'k', record, [], started);
    expect(await readBuildRecord(dir, 'quiet', 'k')).toEqual(record);
    const after = new Date(started + 1_000); // saved while the build ran
    utimesSync(input, after, after);
    await writeBuildRecord(dir, 'raced', 'k', record, [], started);
    expect(existsSync(join(dir, 'raced.build.json'))).toBe(false);
  });

  it('are read as absent when unreadable, of another key, or not a record', async () => {
    writeFileSync(join(dir, 'junk.build.json'), '{"key":"k"}');
    writeFileSync(join(dir, 'text.build.json'), 'not json');
    expect([await readBuildRecord(dir, 'junk', 'k'), await readBuildRecord(dir, 'text', 'k'), await readBuildRecord(dir, 'quiet', 'other'), await readBuildRecord(dir, 'none', 'k')]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("depend on the handler's package.json and each input's tsconfig with what it extends by a relative path (arrays too, not commented out)", () => {
    const project = mkdtempSync(join(dir, 'project-'));
    writeFileSync(join(project, 'package.json'), '{}');
    writeFileSync(join(project, 'tsconfig.json'), '{\n  // "extends": "./old.json",\n  /* "extends": "./older.json" */\n  "extends": ["./a", "@tsconfig/node22/tsconfig.json", "../shared.json"]\n}\n');
    writeFileSync(join(project, 'a.json'), '{ "extends": "./b.json" }');
    writeFileSync(join(project, 'b.json'), '{}');
    const files = configFiles(join(project, 'handler.ts'), [join(project, 'handler.ts')], undefined);
    expect(files.sort()).toEqual([join(project, 'a.json'), join(project, 'b.json'), join(project, 'package.json'), join(project, 'tsconfig.json'), join(dir, 'shared.json')].sort());
  });
});
