import { describe, expect, it } from 'vitest';
import { parseHealthSettings } from '../../lib/config/index.ts';
import { ConfigurationError } from '../../lib/errors.ts';

describe('parseHealthSettings', () => {
  it('has defaults for every setting', () => {
    expect(parseHealthSettings({})).toEqual({
      thresholds: {
        degradedLossPercent: 5,
        downLossPercent: 50,
        degradedLatencyMs: 300,
        windowMinutes: 5,
      },
      metricSource: 'link',
      connectionMetrics: false,
      cloudEyeEndpoint: undefined,
      eventBusName: 'default',
      eventSource: 'vpn-monitor-provisioner',
    });
  });

  it('reads each variable; blank ones take the default', () => {
    const settings = parseHealthSettings({
      HEALTH_DEGRADED_LOSS_PERCENT: '2.5',
      HEALTH_DOWN_LOSS_PERCENT: '80',
      HEALTH_DEGRADED_LATENCY_MS: '150',
      HEALTH_WINDOW_MINUTES: '10',
      HEALTH_METRIC_SOURCE: 'tunnel',
      HEALTH_CONNECTION_METRICS: 'true',
      HUAWEICLOUD_CES_ENDPOINT: 'http://127.0.0.1:4010/',
      EVENT_BUS_NAME: ' ',
    });

    expect(settings).toMatchObject({
      thresholds: {
        degradedLossPercent: 2.5,
        downLossPercent: 80,
        degradedLatencyMs: 150,
        windowMinutes: 10,
      },
      metricSource: 'tunnel',
      connectionMetrics: true,
      cloudEyeEndpoint: 'http://127.0.0.1:4010',
      eventBusName: 'default',
    });
  });

  it.each([
    [{ HEALTH_DEGRADED_LOSS_PERCENT: '101' }, 'HEALTH_DEGRADED_LOSS_PERCENT'],
    [{ HEALTH_WINDOW_MINUTES: '61' }, 'HEALTH_WINDOW_MINUTES'],
    [{ HEALTH_WINDOW_MINUTES: '2.5' }, 'HEALTH_WINDOW_MINUTES'],
    [{ HEALTH_METRIC_SOURCE: 'gateway' }, 'HEALTH_METRIC_SOURCE'],
    [{ HEALTH_CONNECTION_METRICS: 'yes' }, 'HEALTH_CONNECTION_METRICS'],
    [{ HUAWEICLOUD_CES_ENDPOINT: 'http://ces.example.com' }, 'HUAWEICLOUD_CES_ENDPOINT'],
    [
      { HEALTH_DEGRADED_LOSS_PERCENT: '30', HEALTH_DOWN_LOSS_PERCENT: '20' },
      'HEALTH_DOWN_LOSS_PERCENT',
    ],
  ])('refuses %o, naming %s', (env, name) => {
    expect(() => parseHealthSettings(env)).toThrow(ConfigurationError);
    expect(() => parseHealthSettings(env)).toThrow(name);
  });
});
