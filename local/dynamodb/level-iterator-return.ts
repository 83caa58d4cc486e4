import { createRequire } from 'node:module';

type IteratorPrototype = { close(): Promise<void>; return?: (value?: unknown) => Promise<IteratorResult<unknown>> };

/**
 * dynalite 4.0.0 ends the level iterator behind every Query, Scan and ListTables stream with `iterator.return()` and
 * skips the end when that method is missing (db/index.js, `createKeyStream`/`createValueStream`'s `destroy`).
 * abstract-level 3 iterators have `close()`, not `return()`, so every such request left its iterator attached to the
 * store — with the iterator, its snapshot of the data: the emulator's memory grew ~25 KB per connect/disconnect of our
 * app and never came back (issue 10). Giving the iterators `return()` — the async-iterator protocol's way to end
 * early, here a call to `close()` — makes dynalite close them.
 *
 * It is applied in our process, where the embedded DynamoDB starts, not by a patch at install time: npm 11 does not
 * run a dependency's install scripts, so a postinstall patch would never reach projects that install wsgate.
 * abstract-level is resolved the way dynalite resolves it (through memory-level and level), so a copy nested under
 * dynalite is the one patched. Idempotent; an abstract-level that grows its own `return()` is left alone.
 *
 * @returns how many iterator prototypes it gave `return()` (0 when already done or not needed).
 */
export function closeLevelIteratorsOnReturn(): number {
  let patched = 0;
  for (const prototype of iteratorPrototypes()) {
    if (typeof prototype.return === 'function') continue;
    Object.defineProperty(prototype, 'return', {
      configurable: true,
      writable: true,
      value: async function (this: IteratorPrototype, value?: unknown): Promise<IteratorResult<unknown>> {
        await this.close();
        return { done: true, value };
      },
    });
    patched += 1;
  }
  return patched;
}

/** The shared base prototype of abstract-level's entry, key and value iterators, for each copy dynalite can load. */
function iteratorPrototypes(): Set<IteratorPrototype> {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const prototypes = new Set<IteratorPrototype>();
  for (const store of ['memory-level', 'classic-level', 'level']) {
    let abstractLevel: Record<string, { prototype: object } | undefined>;
    try {
      const storePath = store === 'classic-level' ? createRequire(fromDynalite.resolve('level')).resolve(store) : fromDynalite.resolve(store);
      abstractLevel = createRequire(storePath)('abstract-level');
    } catch {
      continue; // that store (or its native part) is not installed: dynalite cannot use it either
    }
    for (const name of ['AbstractIterator', 'AbstractKeyIterator', 'AbstractValueIterator']) {
      const own = abstractLevel[name]?.prototype;
      // The three classes extend one internal CommonIterator, which holds next() and close().
      if (own) prototypes.add(Object.getPrototypeOf(own) as IteratorPrototype);
    }
  }
  return prototypes;
}
