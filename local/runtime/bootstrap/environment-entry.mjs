// The first code of an execution environment (a worker thread). Plain JavaScript because nothing can load TypeScript
// here: a handler the emulator compiled, or a JavaScript one, is imported as it is; only a TypeScript handler that a
// bundle would change registers tsx in this thread (Node 20 does not hand the emulator's loader hooks to workers).
// Then the preload modules, then the bootstrap, which loads the handler into this thread's single module graph.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { setup } = workerData;
if (setup.load.kind === 'tsx') {
  const bootstrapDir = fileURLToPath(new URL('.', import.meta.url));
  /** Every file the handler imports (outside node_modules) is reported, so an edit to it retires this environment. */
  const imported = (url) => {
    if (!url.startsWith('file:') || url.includes('/node_modules/')) return;
    const file = fileURLToPath(url.split('?')[0]);
    if (!file.startsWith(bootstrapDir)) parentPort.postMessage({ type: 'files', files: [file] });
  };
  const [{ register: registerCommonJs }, { register: registerEsm }] = await Promise.all([import('tsx/cjs/api'), import('tsx/esm/api')]);
  registerEsm({ onImport: imported, ...(setup.tsconfig ? { tsconfig: setup.tsconfig } : {}) });
  // tsx's CommonJS side reads its tsconfig from TSX_TSCONFIG_PATH as it registers; the handler never sees the variable.
  if (setup.tsconfig) process.env.TSX_TSCONFIG_PATH = setup.tsconfig;
  registerCommonJs();
  delete process.env.TSX_TSCONFIG_PATH;
} else if (setup.load.kind === 'compiled') {
  process.setSourceMapsEnabled(true); // stack traces name the TypeScript lines, as under tsx
}
if (setup.runtime) {
  await import(setup.runtime); // from the emulator's sources: the preloads and the bootstrap, bundled
} else {
  for (const module of setup.preload) await import(module.startsWith('file:') ? module : pathToFileURL(module).href);
  await import(new URL('./bootstrap.js', import.meta.url).href);
}
