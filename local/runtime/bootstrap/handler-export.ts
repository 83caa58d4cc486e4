import type { LambdaHandler } from './invoke.ts';

/** The handler file has no function under the handler's name. */
export class ExportNotFoundError extends Error {
  override readonly name = 'ExportNotFoundError';
  readonly code = 'EXPORT_NOT_FOUND';
}

/**
 * The handler a module namespace exports under `exportName`, as Lambda finds it: an ESM named export, or a property of
 * a CommonJS `module.exports` — which `import()` hands over as `default`, so `module.exports.default = fn` (what
 * TypeScript's and Babel's CommonJS output of `export default` looks like) is `namespace.default.default`.
 */
export function handlerExport(namespace: Record<string, unknown>, exportName: string, where: { declared: string; file: string }): LambdaHandler {
  const commonJs = namespace.default as Record<string, unknown> | undefined;
  const candidates = [namespace[exportName], typeof commonJs === 'object' || typeof commonJs === 'function' ? commonJs?.[exportName] : undefined];
  const found = candidates.find((candidate) => typeof candidate === 'function');
  if (found === undefined) {
    const exported = new Set([...Object.keys(namespace), ...(commonJs && typeof commonJs === 'object' ? Object.keys(commonJs) : [])]);
    exported.delete('default');
    if (commonJs && typeof commonJs === 'object' && 'default' in commonJs) exported.add('default');
    throw new ExportNotFoundError(
      `handler "${where.declared}": ${where.file} has no exported function "${exportName}" (it exports: ${[...exported].join(', ') || 'nothing'})`,
    );
  }
  return found as LambdaHandler;
}
