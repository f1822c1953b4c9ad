import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { loadIngestConfig } from '../lib/config/index.ts';
import {
  createIngest,
  createIngestDependencies,
  type IngestRequest,
  powertoolsCounters,
} from '../lib/ingest/index.ts';
import { createLogger } from '../lib/log.ts';
import { createMetrics } from '../lib/metrics.ts';
import { mapStackTraces } from '../lib/stack-traces.ts';

mapStackTraces();
const config = loadIngestConfig();
const logger = createLogger();
const metrics = createMetrics();
const ingest = createIngest(createIngestDependencies(config, logger, powertoolsCounters(metrics)));

/** API Gateway's HTTP API event (payload 2.0), as the ingest endpoint reads it. */
export const toIngestRequest = (event: APIGatewayProxyEventV2): IngestRequest => ({
  method: event.requestContext.http.method,
  headers: Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  ),
  pathToken: event.pathParameters?.token,
  body: Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8'),
});

/** The unwrapped handler: one HTTP request in, its answer out. */
export const ingestHandler = async (
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyResultV2> => ingest(toIngestRequest(event));

/**
 * The Lambda entry point of `ingest` in serverless.yml. The event is never logged: its path
 * and headers may hold the token.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
  // logEvent: false whatever POWERTOOLS_LOGGER_LOG_EVENT says: the event holds the token.
  .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
  .use(logMetrics(metrics))
  .handler(ingestHandler);
