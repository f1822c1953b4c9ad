import { readFileSync } from 'node:fs';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { ScenarioAccount } from '../../../local/aws/sts-accounts.ts';
import type { AccountsWorld } from './accounts-world.ts';

/**
 * A CTS trace of a new connection, as EventGrid delivers it, with only the account fields asked
 * for: `user.domain.id` (where the CTS trace structure puts the account), a top-level
 * `domain_id` (one edition lists it), and `project_id`.
 */
export const traceOf = (
  vpnConnectionId: string,
  fields: { projectId?: string; userDomainId?: string; domainId?: string },
): string => {
  const event = JSON.parse(
    readFileSync(new URL('../../events/cloudevents-cloud-trace.json', import.meta.url), 'utf8'),
  ) as { data: Record<string, unknown> };
  const response = JSON.parse(String(event.data.response)) as {
    vpn_connection: Record<string, unknown>;
  };
  response.vpn_connection.id = vpnConnectionId;
  const { project_id: _project, domain_id: _domain, user: _user, ...rest } = event.data;
  event.data = {
    ...rest,
    resource_id: vpnConnectionId,
    response: JSON.stringify(response),
    ...(fields.userDomainId === undefined
      ? {}
      : {
          user: {
            id: '07b82d7c9b294dd2a06cfdd36900f8d4',
            name: 'netops',
            domain: { id: fields.userDomainId, name: 'corp' },
          },
        }),
    ...(fields.domainId === undefined ? {} : { domain_id: fields.domainId }),
    ...(fields.projectId === undefined ? {} : { project_id: fields.projectId }),
  };
  return JSON.stringify(event);
};

/** Reads the DLQ's reasons, keeping the messages out of sight of the next read. */
export const dlqReasons = async (world: AccountsWorld): Promise<Record<string, unknown>[]> => {
  const dlq = await world.aws.clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: world.aws.sqs.dlqUrl,
      MaxNumberOfMessages: 10,
      MessageAttributeNames: ['All'],
      VisibilityTimeout: 300,
    }),
  );
  return (dlq.Messages ?? []).map(
    (m) =>
      JSON.parse(m.MessageAttributes?.vpn_monitor_failure?.StringValue ?? '{}') as Record<
        string,
        unknown
      >,
  );
};

/** The monitors of a connection in an account's project. */
export const monitorsOf = (world: AccountsWorld, account: ScenarioAccount, id: string) =>
  world.huawei.monitors(account.projectId).filter((m) => m.vpn_connection_id === id);
