import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectToSimulator } from '../../../local/huawei-simulator/index.ts';
import {
  CONNECTION_ID,
  OTHER_PROJECT_ID,
  PROJECT_ID,
  startTestSimulator,
  type TestSimulator,
} from './helpers.ts';

const MONITORS = `/v5/${PROJECT_ID}/connection-monitors`;

describe('Huawei VPN API simulator: rate limit', () => {
  let t: TestSimulator;

  beforeEach(async () => {
    t = await startTestSimulator({
      rateLimit: { requestsPerSecond: 4 },
      projects: { [PROJECT_ID]: [CONNECTION_ID], [OTHER_PROJECT_ID]: [] },
    });
  });

  afterEach(async () => {
    await t.sim.stop();
  });

  const statuses = async (count: number, path = MONITORS) => {
    const answers: number[] = [];
    for (let i = 0; i < count; i++) answers.push((await t.call({ path })).status);
    return answers;
  };

  it('answers 429 APIGW.0308 past R requests a second per project, and refills at R a second', async () => {
    // Act: a burst of six at one instant, then half a second later two more
    const burst = await statuses(6);
    const throttled = await t.call({ path: MONITORS });
    t.clock.now += 500;
    const refilled = await statuses(3);
    // Assess
    expect(burst).toEqual([200, 200, 200, 200, 429, 429]);
    expect(throttled.json).toMatchObject({ error_code: 'APIGW.0308' });
    expect(refilled).toEqual([200, 200, 429]);
    expect(t.sim.stats().byStatus['429']).toBe(4);
    expect(t.sim.stats()).toMatchObject({ rateLimited: 4, faultsInjected: 0 });
  });

  it('keeps each request it served once asked to, the rate limit refusals marked', async () => {
    // Prepare
    t.sim.traceRequests(true);
    // Act: five at one instant, the fifth over the limit of four
    await statuses(5);
    // Assess
    const logged = t.sim.requests();
    expect(logged.map((r) => [r.operation, r.outcome, r.rateLimited])).toEqual([
      ['list', 200, false],
      ['list', 200, false],
      ['list', 200, false],
      ['list', 200, false],
      ['list', 429, true],
    ]);
    t.sim.traceRequests(false);
  });

  it('counts each project on its own, and lifts the limit through the control surface', async () => {
    // Prepare
    await statuses(4);
    // Act
    const other = await statuses(1, `/v5/${OTHER_PROJECT_ID}/connection-monitors`);
    const limited = await statuses(1);
    await connectToSimulator(t.sim.endpoint).setRateLimit(undefined);
    const lifted = await statuses(10);
    // Assess
    expect(other).toEqual([200]);
    expect(limited).toEqual([429]);
    expect(lifted.every((status) => status === 200)).toBe(true);
  });
});
