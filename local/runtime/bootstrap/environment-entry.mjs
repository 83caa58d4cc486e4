// The first code of an execution environment (a worker thread). Plain JavaScript because nothing can load TypeScript
// yet: it registers tsx in this thread (Node 20 does not hand the emulator's loader hooks to workers), imports the
// preload modules, then the bootstrap, which loads the handler into this thread's single module graph.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

const bootstrapDir = fileURLToPath(new URL('.', import.meta.url));

/** Every file the handler imports (outside node_modules) is reported, so an edit to it retires this environment. */
function imported(url) {
  if (!url.startsWith('file:') || url.includes('/node_modules/')) return;
  const file = fileURLToPath(url.split('?')[0]);
  if (!file.startsWith(bootstrapDir)) parentPort.postMessage({ type: 'files', files: [file] });
}

const { tsconfig } = workerData.setup;
registerEsm({ onImport: imported, ...(tsconfig ? { tsconfig } : {}) });
// tsx's CommonJS side reads its tsconfig from TSX_TSCONFIG_PATH as it registers; the handler never sees the variable.
if (tsconfig) process.env.TSX_TSCONFIG_PATH = tsconfig;
registerCommonJs();
delete process.env.TSX_TSCONFIG_PATH;
for (const module of workerData.setup.preload) await import(module.startsWith('file:') ? module : pathToFileURL(module).href);
// From the published package (dist/) the bootstrap is compiled JavaScript; from the sources, TypeScript.
const compiled = new URL('./bootstrap.js', import.meta.url);
await import(existsSync(fileURLToPath(compiled)) ? compiled.href : new URL('./bootstrap.ts', import.meta.url).href);
