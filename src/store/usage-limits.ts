import { USAGE_LIMITS, type UsageRecord } from './registry.js';

/** Refuses a batch beyond {@link USAGE_LIMITS}, naming the record and the field. */
export function assertUsageWithinLimits(records: readonly UsageRecord[]): void {
  if (records.length > USAGE_LIMITS.recordsPerCall) {
    throw new RangeError(
      `${records.length} usage records in one call; at most ${USAGE_LIMITS.recordsPerCall}`,
    );
  }
  records.forEach((record, index) => {
    const where = `usage record ${index}`;
    for (const field of ['stage', 'operationHash', 'operationName', 'clientName', 'clientVersion'] as const) {
      const value: unknown = record[field];
      if (typeof value !== 'string' || value.length > USAGE_LIMITS.stringLength) {
        throw new RangeError(
          `${where}: ${field} must be a string of at most ${USAGE_LIMITS.stringLength} characters`,
        );
      }
    }
    if (record.stage === '' || record.operationHash === '') {
      throw new RangeError(`${where}: stage and operationHash must not be empty`);
    }
    if (
      !Array.isArray(record.coordinates) ||
      record.coordinates.length > USAGE_LIMITS.coordinatesPerOperation
    ) {
      throw new RangeError(
        `${where}: coordinates must be a list of at most ${USAGE_LIMITS.coordinatesPerOperation} schema coordinates`,
      );
    }
    for (const coordinate of record.coordinates) {
      if (
        typeof coordinate !== 'string' ||
        coordinate === '' ||
        coordinate.length > USAGE_LIMITS.stringLength
      ) {
        throw new RangeError(
          `${where}: a coordinate must be a non-empty string of at most ${USAGE_LIMITS.stringLength} characters`,
        );
      }
    }
    if (!Number.isSafeInteger(record.count) || record.count < 1 || record.count > USAGE_LIMITS.count) {
      throw new RangeError(`${where}: count must be an integer from 1 to ${USAGE_LIMITS.count}`);
    }
    if (!(record.seenAt instanceof Date) || Number.isNaN(record.seenAt.getTime())) {
      throw new RangeError(`${where}: seenAt must be a valid date`);
    }
  });
}
