import { statSync } from 'node:fs';

async function bundleWithInputs(entry: string): Promise<{ code: string; inputs: string[] }> {
  // esbuild loads on the first request for an app's entry, not when the emulator starts (as for its own pages).
  const { build } = await import('esbuild');
  const result = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', target: 'es2022', minify: false, sourcemap: 'inline', logLevel: 'silent', metafile: true });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

const modified = (file: string) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

/**
 * An app page's entry bundled in memory by esbuild, rebuilt only when one of the files it was built from changed
 * since: an edit shows on the next reload, and reloads in between cost a few stat calls, not a build.
 */
export function freshBundle(entry: string): () => Promise<string> {
  let last: Promise<{ code: string; stamps: [string, number][] }> | undefined;
  const build = () =>
    bundleWithInputs(entry).then(({ code, inputs }) => ({ code, stamps: inputs.map((file): [string, number] => [file, modified(file)]) }));
  return async () => {
    const previous = await last?.catch(() => undefined);
    if (!previous || previous.stamps.some(([file, stamp]) => modified(file) !== stamp)) last = build();
    return (await last!).code;
  };
}
