import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { VpnTarget } from '../huawei/index.ts';
import { chunk } from '../queue/index.ts';
import type { HealthReason, HealthState } from './decide.ts';

/**
 * The health states, kept in the idempotency table under keys of their own (beside the
 * idempotency records and the credential breakers, never among them):
 * `vpn-monitor-provisioner.health#{project}#{connection}` per connection, and
 * `vpn-monitor-provisioner.health-index#{project}` listing a project's tracked connections, so a
 * connection that vanished from the VPN API is still found and reported gone once.
 */
const HEALTH_KEY_PREFIX = 'vpn-monitor-provisioner.health';

/** How long a `gone` record stays: long enough to answer a late question, then DynamoDB drops it. */
const GONE_TTL_SECONDS = 7 * 24 * 3600;
/** BatchGetItem's largest request. */
const MAX_KEYS_PER_GET = 100;
/**
 * Ids added to a project's index in one write (about 40 KB of UUIDs). DynamoDB's 400 KB item
 * limit caps the index near 10,000 connections per project: more, and a write fails loudly.
 */
const MAX_IDS_PER_INDEX_WRITE = 1000;

const stateKey = (target: VpnTarget, connectionId: string): string =>
  `${HEALTH_KEY_PREFIX}#${target.projectId}#${connectionId}`;
const indexKey = (target: VpnTarget): string => `${HEALTH_KEY_PREFIX}-index#${target.projectId}`;

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

/** A connection's kept state, as its item holds it; `undefined` for an item that is none. */
const recordOf = (item: Record<string, AttributeValue>) => {
  const state = item.state?.S;
  const version = item.version?.N;
  if (state === undefined || version === undefined) return undefined;
  return {
    state: state as HealthState,
    reason: (item.reason?.S ?? 'within-thresholds') as HealthReason,
    /** Grows by one per change, and guards every write. */
    version: Number(version),
    changedAt: item.changed_at?.S ?? '',
    /** The event of the latest change, until EventBridge has taken it (publish, then clear). */
    pendingEvent: item.pending_event?.S,
    /** Epoch ms until which the run that holds the pending event is publishing it. */
    leaseUntil: item.lease_until?.N === undefined ? undefined : Number(item.lease_until.N),
  };
};

/** An update that holds only while the record is at `version`. */
const ifStillAt = (version: number, update: string) => ({
  UpdateExpression: update,
  ConditionExpression: 'version = :version',
  ExpressionAttributeValues: { ':version': n(version) },
});

/** A connection's kept state. */
export type HealthRecord = NonNullable<ReturnType<typeof recordOf>>;

/** A change to write: the state it leaves (by version) and the one it enters, with its event. */
export interface HealthTransition {
  connectionId: string;
  /** The version read; `undefined` when the connection had no record. */
  fromVersion: number | undefined;
  state: HealthState;
  reason: HealthReason;
  changedAt: string;
  /** The event to publish for it (`undefined`: a silent first state). */
  event: string | undefined;
  /** Epoch ms until which only this run publishes the event (its own deadline). */
  leaseUntil: number;
}

/** Reads and writes health states: the one place that knows their items. */
export class HealthStateStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;

  public constructor(client: DynamoDBClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  /** The connections of a project that have a record (the project's index). */
  public async tracked(target: VpnTarget): Promise<Set<string>> {
    const out = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: { id: s(indexKey(target)) },
        ConsistentRead: true,
      }),
    );
    return new Set(out.Item?.connections?.SS ?? []);
  }

  /** The records of these connections, read consistently, 100 keys a call. */
  public async read(
    target: VpnTarget,
    connectionIds: readonly string[],
  ): Promise<Map<string, HealthRecord>> {
    const records = new Map<string, HealthRecord>();
    const byKey = new Map(connectionIds.map((id) => [stateKey(target, id), id]));
    const keys = [...byKey.keys()].map((id) => ({ id: s(id) }));
    for (const batch of chunk(keys, MAX_KEYS_PER_GET)) {
      let pending: Record<string, AttributeValue>[] | undefined = batch;
      for (let round = 0; pending !== undefined && pending.length > 0; round += 1) {
        if (round > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** round)));
        const out: BatchGetItemCommandOutput = await this.#client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.#tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.#tableName] ?? []) {
          const id = byKey.get(item.id?.S ?? '');
          const record = recordOf(item);
          if (id !== undefined && record !== undefined) records.set(id, record);
        }
        pending = out.UnprocessedKeys?.[this.#tableName]?.Keys;
      }
    }
    return records;
  }

  /**
   * Writes a change only if the record is still at the version read (or still absent), with its
   * event as `pending_event` in the same write: two overlapping runs cannot both win, and an
   * event whose publication fails is still there for the next run. Answers whether it won.
   */
  public async transition(target: VpnTarget, change: HealthTransition): Promise<boolean> {
    const version = (change.fromVersion ?? 0) + 1;
    const sets = ['#state = :state', 'reason = :reason', 'version = :version', 'changed_at = :at'];
    const values: Record<string, AttributeValue> = {
      ':state': s(change.state),
      ':reason': s(change.reason),
      ':version': n(version),
      ':at': s(change.changedAt),
    };
    if (change.event !== undefined) {
      sets.push('pending_event = :event', 'lease_until = :lease');
      values[':event'] = s(change.event);
      values[':lease'] = n(change.leaseUntil);
    }
    if (change.state === 'gone') {
      sets.push('expiration = :expiration');
      values[':expiration'] = n(Math.floor(Date.now() / 1000) + GONE_TTL_SECONDS);
    }
    if (change.fromVersion !== undefined) values[':read'] = n(change.fromVersion);
    const won = await this.#update(target, change.connectionId, {
      UpdateExpression: `SET ${sets.join(', ')}${change.state === 'gone' ? '' : ' REMOVE expiration'}`,
      ConditionExpression:
        change.fromVersion === undefined ? 'attribute_not_exists(id)' : 'version = :read',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: values,
    });
    if (!won) return false;
    if (change.state === 'gone') await this.#index(target, [change.connectionId], 'DELETE');
    return true;
  }

  /**
   * Adds connections to the project's index, before their first state is written (so a run cut
   * short in between never leaves a record unindexed): one write per 1000 ids.
   */
  public async track(target: VpnTarget, connectionIds: readonly string[]): Promise<void> {
    for (const ids of chunk(connectionIds, MAX_IDS_PER_INDEX_WRITE))
      await this.#index(target, ids, 'ADD');
  }

  /**
   * Takes over the pending event of `version` from a run that did not publish it (its lease has
   * run out by `now`, the run's clock), until `leaseUntil`: only one run republishes it.
   * Answers whether it got it.
   */
  public async claim(
    target: VpnTarget,
    connectionId: string,
    version: number,
    leaseUntil: number,
    now: number,
  ): Promise<boolean> {
    return this.#update(target, connectionId, {
      UpdateExpression: 'SET lease_until = :lease',
      ConditionExpression:
        'version = :version AND attribute_exists(pending_event) AND (attribute_not_exists(lease_until) OR lease_until < :now)',
      ExpressionAttributeValues: {
        ':version': n(version),
        ':lease': n(leaseUntil),
        ':now': n(now),
      },
    });
  }

  /** The run could not publish the event of `version`: the next run may take it at once. */
  public async release(target: VpnTarget, connectionId: string, version: number): Promise<void> {
    await this.#update(target, connectionId, ifStillAt(version, 'REMOVE lease_until'));
  }

  /** The event of `version` was published: forget it, unless a later change replaced it. */
  public async published(target: VpnTarget, connectionId: string, version: number): Promise<void> {
    await this.#update(
      target,
      connectionId,
      ifStillAt(version, 'REMOVE pending_event, lease_until'),
    );
  }

  /** A conditional update of a connection's record; answers whether its condition held. */
  async #update(
    target: VpnTarget,
    connectionId: string,
    update: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
  ): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#tableName,
          Key: { id: s(stateKey(target, connectionId)) },
          ...update,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async #index(target: VpnTarget, ids: readonly string[], action: 'ADD' | 'DELETE'): Promise<void> {
    if (ids.length === 0) return;
    await this.#client.send(
      new UpdateItemCommand({
        TableName: this.#tableName,
        Key: { id: s(indexKey(target)) },
        UpdateExpression: `${action} connections :ids`,
        ExpressionAttributeValues: { ':ids': { SS: [...ids] } },
      }),
    );
  }
}
