/**
 * Benchmark child, one per run: loads the official Huawei Cloud Node SDK core the way a
 * generated service client does (its entry point, `ClientBuilder`, `HcClient`) in this fresh
 * process, and reports how long that took.
 */
import { createRequire } from 'node:module';

const requireCommonJs = createRequire(import.meta.url);
const started = performance.now();
requireCommonJs('@huaweicloud/huaweicloud-sdk-core');
requireCommonJs('@huaweicloud/huaweicloud-sdk-core/ClientBuilder');
requireCommonJs('@huaweicloud/huaweicloud-sdk-core/HcClient');
const importMs = performance.now() - started;
process.send?.({ importMs }, () => process.exit(0));
