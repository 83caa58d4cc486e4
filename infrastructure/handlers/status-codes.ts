import type { ErrorCode } from '../../domain/errors.ts';

/** How domain error codes leave through API Gateway (the integration's statusCode). */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  UNKNOWN_ACTION: 400,
  INVALID_MESSAGE: 400,
  NOT_IN_ROOM: 403,
  TOO_MANY_ROOMS: 409,
  CONNECTION_UNKNOWN: 410,
};
