import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');
const cdk = join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk');

/** A fresh temporary folder with a `node_modules` link to ours (an app copied there resolves aws-cdk-lib). */
export function linkedTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * Runs the real `cdk synth` on a fixture app (`app.mjs` in `appDir`) into a fresh temporary folder — or into
 * `cdkOut`, as a rerun of `cdk synth` does — offline: no notices, no version check, no telemetry. The folder gets a
 * `node_modules` link to ours, as Lambda's runtime gives bundles the AWS SDK they leave out, and no package.json, so
 * bundles are CommonJS as on Lambda.
 */
export async function cdkSynth(appDir: string, into?: { cdkOut: string }): Promise<{ cdkOut: string; remove(): void }> {
  const dir = into ? undefined : linkedTempDir('wsgate-cdk-');
  const cdkOut = into?.cdkOut ?? join(dir!, 'cdk.out');
  await promisify(execFile)(process.execPath, [cdk, 'synth', '--app', 'node app.mjs', '--output', cdkOut, '--no-notices', '--no-version-reporting', '--quiet'], {
    cwd: appDir,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', CDK_DISABLE_VERSION_CHECK: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return { cdkOut, remove: () => dir && rmSync(dir, { recursive: true, force: true }) };
}
