import type { CloudEventJson } from './cloud-trace.ts';

/**
 * The CloudEvents HTTP binding's content modes, and EventGrid's envelope `{"events":[...]}`
 * (JSON), the form its user guide shows events in before and after a transform.
 */
export type DeliveryMode = 'structured' | 'batched' | 'binary' | 'envelope';

/** One HTTP request of a delivery. */
export interface DeliveryRequest {
  headers: Record<string, string>;
  body: string;
}

// Percent-encodes what the CloudEvents HTTP binding (3.1.3.2) says a header value must not carry.
const headerValue = (value: unknown): string =>
  String(typeof value === 'string' ? value : JSON.stringify(value)).replace(
    /[^\x21-\x24\x26-\x7e ]/gu,
    (c) => encodeURIComponent(c),
  );

/**
 * The HTTP request that carries `events` in `mode`: structured (one event, the body is the
 * event), batched (the body is a JSON array of events), envelope (`{"events":[...]}` as JSON) or
 * binary (one event; its attributes as `ce-*` headers, its data as the body).
 */
export const deliveryRequest = (mode: DeliveryMode, events: CloudEventJson[]): DeliveryRequest => {
  if (mode === 'batched') {
    return {
      headers: { 'content-type': 'application/cloudevents-batch+json; charset=utf-8' },
      body: JSON.stringify(events),
    };
  }
  if (mode === 'envelope') {
    return {
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ events }),
    };
  }
  if (events.length !== 1) throw new RangeError(`${mode} mode carries exactly one event`);
  const [event] = events as [CloudEventJson];
  if (mode === 'structured') {
    return {
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: JSON.stringify(event),
    };
  }
  const { data, datacontenttype, ...attributes } = event;
  const headers: Record<string, string> = { 'content-type': datacontenttype };
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) headers[`ce-${name}`] = headerValue(value);
  }
  return { headers, body: JSON.stringify(data) };
};
