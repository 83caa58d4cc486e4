import { ConfigError } from '../model/config-error.ts';
import type { StreamSubscription, StreamViewType, TableDefinition } from '../model/app-model.ts';

const VIEW_TYPES = new Set<StreamViewType>(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']);

/** The options of {@link streamSubscription} as `AWS::Lambda::EventSourceMapping` (and SAM's `DynamoDB` event) name them. */
export function mappingOptions(properties: Record<string, any>): Parameters<typeof streamSubscription>[2] {
  return {
    batchSize: properties.BatchSize,
    window: properties.MaximumBatchingWindowInSeconds,
    startingPosition: properties.StartingPosition,
    enabled: properties.Enabled,
    retries: properties.MaximumRetryAttempts,
    bisect: properties.BisectBatchOnFunctionError,
    filterPatterns: properties.FilterCriteria?.Filters?.map((filter: { Pattern?: unknown }) => filter.Pattern),
  };
}

/**
 * A DynamoDB stream event source mapping of `table` to a function, with Lambda's defaults filled in (batch size 100,
 * no batching window, retries until the records expire): what every reader's stream events and
 * `AWS::Lambda::EventSourceMapping`s become. Undefined (with a warning) when the table has no stream.
 */
export function streamSubscription(
  functionKey: string,
  table: TableDefinition,
  given: { batchSize?: unknown; window?: unknown; startingPosition?: unknown; enabled?: unknown; retries?: unknown; bisect?: unknown; filterPatterns?: unknown },
  where: string,
  warn: (m: string) => void,
): StreamSubscription | undefined {
  const spec = (table.properties.StreamSpecification ?? {}) as { StreamViewType?: string; StreamEnabled?: unknown };
  const viewType = spec.StreamViewType as StreamViewType | undefined;
  if (!viewType || !VIEW_TYPES.has(viewType)) {
    warn(`${where}: table ${table.logicalId} has no StreamSpecification.StreamViewType, so it has no stream to read`);
    return undefined;
  }
  const patterns = (Array.isArray(given.filterPatterns) ? given.filterPatterns : []).map((pattern) => {
    if (typeof pattern === 'string') {
      try {
        return JSON.parse(pattern) as Record<string, unknown>;
      } catch {
        throw new ConfigError('CONFIG_INVALID', `${where}: a filter pattern must be JSON`);
      }
    }
    return pattern as Record<string, unknown>;
  });
  return {
    functionKey,
    tableName: table.tableName,
    viewType,
    batchSize: given.batchSize === undefined ? 100 : Number(given.batchSize),
    maximumBatchingWindowInSeconds: given.window === undefined ? 0 : Number(given.window),
    startingPosition: given.startingPosition === 'TRIM_HORIZON' ? 'TRIM_HORIZON' : 'LATEST',
    enabled: given.enabled !== false && given.enabled !== 'false',
    maximumRetryAttempts: given.retries === undefined ? -1 : Number(given.retries),
    bisectBatchOnFunctionError: given.bisect === true || given.bisect === 'true',
    filterPatterns: patterns,
  };
}
