/**
 * The batch folder's face: the concurrency helper.
 * @module
 */
export { mapConcurrent } from './map-concurrent.ts';
