import { type ApiError, apiError, defaultFaultError, ERROR_CODES } from './errors.ts';
import {
  CLOUD_EYE_OPERATION,
  type FaultRule,
  faultRuleSchema,
  type Operation,
  type RandomFaults,
  randomFaultsSchema,
} from './schemas.ts';

/** What to do to one request instead of (or before) handling it normally. */
type FaultAction =
  | { kind: 'status'; error: ApiError }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop-before' }
  | { kind: 'drop-after' }
  | AnswerFault;

/** The faults that handle the request, then replace its answer (`answer` may skip handling). */
export type AnswerFault = Extract<FaultRule, { kind: 'garble' | 'answer' | 'another-connection' }>;

/** A queued rule and how many more requests it applies to. */
export interface PendingFault {
  rule: FaultRule;
  remaining: number;
}

/** The fault queue and the random mode. */
export interface FaultInjector {
  /** Appends a rule to the queue; queued rules apply in order, before random faults. */
  inject(rule: FaultRule): void;
  pending(): PendingFault[];
  /** Empties the queue and turns random mode off. */
  clear(): void;
  /** Turns random mode on with these settings, or off with `undefined`. */
  setRandom(settings: RandomFaults | undefined): void;
  /**
   * Consumes and returns the fault for this request, if any; `connectionIds` are the VPN
   * connections it is about (none, one, or a Cloud Eye query's).
   */
  next(operation: Operation, connectionIds: readonly string[]): FaultAction | undefined;
}

/** Mulberry32: a small, fast, seeded PRNG returning numbers in [0, 1). */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const serviceOf = (operation: Operation) =>
  operation === CLOUD_EYE_OPERATION ? 'cloud-eye' : 'vpn';

const toAction = (rule: FaultRule, operation: Operation): FaultAction => {
  if (rule.kind === 'delay') return { kind: 'delay', ms: rule.ms };
  if (rule.kind === 'garble' || rule.kind === 'answer' || rule.kind === 'another-connection') {
    return rule;
  }
  if (rule.kind !== 'status') return { kind: rule.kind };
  const fallback = defaultFaultError(rule.status, serviceOf(operation));
  const error = apiError(rule.status, rule.code ?? fallback.code, rule.message ?? fallback.message);
  if (rule.retryAfter !== undefined) error.retryAfter = String(rule.retryAfter);
  return { kind: 'status', error };
};

// `any` (or no operation) is any VPN API operation: Cloud Eye's query is matched by its name,
// so rules written for the VPN API never land on a health run's Cloud Eye call.
const matches = (
  rule: FaultRule,
  operation: Operation,
  connectionIds: readonly string[],
): boolean =>
  (rule.operation === operation ||
    ((rule.operation === undefined || rule.operation === 'any') &&
      operation !== CLOUD_EYE_OPERATION)) &&
  (rule.connectionId === undefined || connectionIds.includes(rule.connectionId));

const SERVER_ERRORS = [500, 502, 504] as const;

const randomAction = (
  settings: RandomFaults,
  random: () => number,
  operation: Operation,
): FaultAction => {
  const kind = settings.kinds[Math.floor(random() * settings.kinds.length)] ?? 'throttle';
  switch (kind) {
    case 'throttle': {
      // Cloud Eye has no 429 of its own: its throttling is the gateway's whatever the draw.
      const error =
        random() < 0.5 && operation !== CLOUD_EYE_OPERATION
          ? apiError(429, ERROR_CODES.tooManyRequests, 'Too many requests')
          : apiError(
              429,
              ERROR_CODES.gatewayThrottled,
              'The throttling threshold has been reached',
            );
      if (settings.retryAfter !== undefined) error.retryAfter = String(settings.retryAfter);
      return { kind: 'status', error };
    }
    case 'server-error': {
      const status = SERVER_ERRORS[Math.floor(random() * SERVER_ERRORS.length)] ?? 500;
      const { code, message } = defaultFaultError(status, serviceOf(operation));
      return { kind: 'status', error: apiError(status, code, message) };
    }
    case 'slow':
      return { kind: 'delay', ms: 1 + Math.floor(random() * (settings.slowMs ?? 200)) };
    default:
      return { kind };
  }
};

/** Creates an empty {@link FaultInjector}. Rules and settings are validated when added. */
export const createFaultInjector = (): FaultInjector => {
  let queue: PendingFault[] = [];
  let random: { settings: RandomFaults; draw: () => number } | undefined;
  return {
    inject(rule) {
      const parsed = faultRuleSchema.parse(rule);
      queue.push({ rule: parsed, remaining: parsed.times ?? 1 });
    },
    pending: () => queue.map((entry) => ({ rule: { ...entry.rule }, remaining: entry.remaining })),
    clear() {
      queue = [];
      random = undefined;
    },
    setRandom(settings) {
      if (settings === undefined) {
        random = undefined;
        return;
      }
      const parsed = randomFaultsSchema.parse(settings);
      random = { settings: parsed, draw: seededRandom(parsed.seed) };
    },
    next(operation, connectionIds) {
      if (queue.length > 0) {
        const index = queue.findIndex((entry) => matches(entry.rule, operation, connectionIds));
        const entry = queue[index];
        if (entry !== undefined) {
          entry.remaining -= 1;
          if (entry.remaining === 0) queue.splice(index, 1);
          return toAction(entry.rule, operation);
        }
      }
      if (random === undefined) return undefined;
      const { settings, draw } = random;
      // Random mode plays on the VPN API, and on Cloud Eye only when `operations` names it.
      const drawn =
        settings.operations === undefined
          ? operation !== CLOUD_EYE_OPERATION
          : settings.operations.includes(operation);
      if (!drawn) return undefined;
      return draw() < settings.rate ? randomAction(settings, draw, operation) : undefined;
    },
  };
};
