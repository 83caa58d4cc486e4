// Runs in a worker thread, never in the emulator's own thread: a serverless.js/.ts is the user's code. Imports it
// through tsx (TypeScript, ESM or CommonJS, with the project's tsconfig), waits for what it exports (an object, a
// promise of one, or either as the default export), and posts it back as plain data.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const { file, tsconfig } = workerData;
try {
  const namespace = await tsImport(pathToFileURL(file).href, { parentURL: import.meta.url, ...(tsconfig ? { tsconfig } : {}) });
  let value = await ('default' in namespace ? namespace.default : namespace);
  // `export default` compiled to CommonJS arrives wrapped once more ({ __esModule, default }).
  if (value && typeof value === 'object' && value.__esModule && 'default' in value) value = await value.default;
  parentPort.postMessage({ ok: true, json: JSON.stringify(value ?? null) });
} catch (error) {
  parentPort.postMessage({ ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
