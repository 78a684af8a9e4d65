export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

/** The API's timestamp format: ISO 8601 in UTC. */
export const isoTime = (millis: number): string => new Date(millis).toISOString();
