import { describe, expect, it } from 'vitest';
import { certificateUrlRefusal, smnStringToSign } from '../../../lib/ingest/smn-signature.ts';

const policy = { regions: ['cn-north-4', 'eu-west-101'], endpointOverride: undefined };

describe('the string SMN signs', () => {
  it("is the guide's example for a notification: sorted name and value lines", () => {
    // SMN user guide, "Message Signature Verification", the notification example.
    const fields = {
      type: 'Notification',
      message: 'My test message',
      message_id: '88c726942175432bac921eafd0036163',
      subject: 'demo',
      timestamp: '2016-08-15T07:29:16Z',
      topic_urn: 'urn:smn:regionId:74dc9e44d0cc4573adfce91cdfdd3ba9:xxxx',
      signature: 'not signed',
      unsubscribe_url: 'https://console.huaweicloud.com/smn/subscription/unsubscribe',
    };

    expect(smnStringToSign(fields)).toBe(
      'message\nMy test message\nmessage_id\n88c726942175432bac921eafd0036163\nsubject\ndemo\n' +
        'timestamp\n2016-08-15T07:29:16Z\ntopic_urn\nurn:smn:regionId:74dc9e44d0cc4573adfce91cdfdd3ba9:xxxx\n' +
        'type\nNotification\n',
    );
  });

  it('leaves out an empty subject, and signs subscribe_url for a confirmation', () => {
    const common = { message: 'm', message_id: 'i', timestamp: 't', topic_urn: 'u' };

    expect(smnStringToSign({ ...common, type: 'Notification', subject: '' })).toBe(
      'message\nm\nmessage_id\ni\ntimestamp\nt\ntopic_urn\nu\ntype\nNotification\n',
    );
    expect(
      smnStringToSign({ ...common, type: 'SubscriptionConfirmation', subscribe_url: 's' }),
    ).toBe(
      'message\nm\nmessage_id\ni\nsubscribe_url\ns\ntimestamp\nt\ntopic_urn\nu\ntype\nSubscriptionConfirmation\n',
    );
  });

  it('is undefined when a signed field is missing or not a string, or the type unknown', () => {
    const common = { message: 'm', message_id: 'i', timestamp: 't', topic_urn: 'u' };

    expect(smnStringToSign({ ...common, type: 'SubscriptionConfirmation' })).toBeUndefined();
    expect(smnStringToSign({ ...common, type: 'Notification', message: 1 })).toBeUndefined();
    expect(smnStringToSign({ ...common, type: 'Other' })).toBeUndefined();
  });
});

describe('where a signing certificate may be fetched from', () => {
  it.each([
    'https://smn.cn-north-4.myhuaweicloud.com/smn/SMN_cn-north-4_b98100ca131b4116ab8ee7ccedbaae99.pem',
    'https://smn.eu-west-101.myhuaweicloud.eu/smn/SMN_eu-west-101_0123.pem',
  ])('allows %s', (url) => {
    expect(certificateUrlRefusal(url, policy)).toBeUndefined();
  });

  it.each([
    ['the console host', 'https://console.huaweicloud.com/smn/SMN_cn-north-4_x.pem'],
    ['a region not configured', 'https://smn.ap-southeast-1.myhuaweicloud.com/smn/x.pem'],
    ['a look-alike', 'https://smn.cn-north-4.myhuaweicloud.com.evil.example/smn/x.pem'],
    ['http', 'http://smn.cn-north-4.myhuaweicloud.com/smn/x.pem'],
    ['a port', 'https://smn.cn-north-4.myhuaweicloud.com:8443/smn/x.pem'],
    ['user info', 'https://a@smn.cn-north-4.myhuaweicloud.com/smn/x.pem'],
    ['another path', 'https://smn.cn-north-4.myhuaweicloud.com/other/x.pem'],
    ['a query', 'https://smn.cn-north-4.myhuaweicloud.com/smn/x.pem?redirect=1'],
    ['a path escaping /smn', 'https://smn.cn-north-4.myhuaweicloud.com/smn/../x.pem'],
    ['no URL', 'smn.cn-north-4.myhuaweicloud.com/smn/x.pem'],
  ])('refuses %s', (_name, url) => {
    expect(certificateUrlRefusal(url, policy)).toBeDefined();
  });
});
