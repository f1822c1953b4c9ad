import { randomUUID } from 'node:crypto';

/** The body shapes a producer may send, as `npm start` mixes them. */
export const BODY_SHAPES = [
  'plain',
  'eventbridge',
  'cloudevents',
  'cloud-trace',
  'sns-plain',
  'sns-eventbridge',
] as const;
/** One of {@link BODY_SHAPES}. */
export type BodyShape = (typeof BODY_SHAPES)[number];

/** Which connection a body announces. */
export interface Announcement {
  vpnConnectionId: string;
  projectId: string;
  region: string;
}

const plain = (a: Announcement) => ({
  vpn_connection_id: a.vpnConnectionId,
  project_id: a.projectId,
  region: a.region,
});

const eventBridge = (a: Announcement) => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'VPN Connection Created',
  source: 'network.vpn-inventory',
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'eu-west-1',
  resources: [],
  detail: plain(a),
});

const cloudTrace = (a: Announcement) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: 'HC.VPN',
  type: 'VPN:CloudTrace:ApiCall',
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data: {
    trace_id: randomUUID(),
    trace_name: 'createVpnConnection',
    trace_type: 'ApiCall',
    service_type: 'VPN',
    resource_type: 'vpn-connection',
    resource_id: a.vpnConnectionId,
    project_id: a.projectId,
    region: a.region,
    code: '201',
    response: JSON.stringify({
      vpn_connection: { id: a.vpnConnectionId, status: 'PENDING_CREATE' },
    }),
    time: Date.now(),
  },
});

const sns = (message: unknown) => ({
  Type: 'Notification',
  MessageId: randomUUID(),
  TopicArn: 'arn:aws:sns:eu-west-1:123456789012:vpn-connection-created',
  Message: JSON.stringify(message),
  Timestamp: new Date().toISOString(),
  SignatureVersion: '1',
});

/** A realistic "VPN connection created" message body of the given shape. */
export const connectionCreatedBody = (shape: BodyShape, a: Announcement): string => {
  switch (shape) {
    case 'plain':
      return JSON.stringify(plain(a));
    case 'eventbridge':
      return JSON.stringify(eventBridge(a));
    case 'cloudevents':
      return JSON.stringify({
        specversion: '1.0',
        id: randomUUID(),
        source: 'HC.VPN',
        type: 'VPN:Connection:Created',
        data: plain(a),
      });
    case 'cloud-trace':
      return JSON.stringify(cloudTrace(a));
    case 'sns-plain':
      return JSON.stringify(sns(plain(a)));
    case 'sns-eventbridge':
      return JSON.stringify(sns(eventBridge(a)));
  }
};

/** Bodies no producer should send, each invalid for a different reason. */
export const INVALID_BODIES: readonly string[] = [
  'not json',
  '{"vpn_connection_id":"../../v5/other-project/connection-monitors"}',
  '{"vpn_connection_id":"cae286f2-demo-a8df-va86-e22416ca1220?x=1","project_id":"0b2f8e8a3c5d4e6f8a9b0c1d2e3f4a5b"}',
  '{"detail-type":"VPN Connection Deleted","version":"0","id":"1","source":"x","detail":{}}',
  '[1,2,3]',
  '{"specversion":"0.3","id":"1","source":"x","type":"y","data":{}}',
];
