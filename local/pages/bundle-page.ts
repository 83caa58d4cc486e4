import { build } from 'esbuild';

/** One page's TypeScript and everything it imports as a single browser ES module (in memory unless `outfile`). */
export async function bundlePage(entry: string, outfile?: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: false,
    // Inline source maps from the sources (for debugging the page there); the published bundle stays lean.
    sourcemap: outfile ? false : 'inline',
    ...(outfile ? { outfile } : {}),
  });
  return result.outputFiles[0]!.text;
}
