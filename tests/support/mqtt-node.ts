import mqtt, { type MqttClient } from 'mqtt';
import { type MetaMessage, type Reading, topics } from '../../protocol/index.ts';

/** A real mqtt.js client logged in as a node, with helpers to speak the native protocol. */
export async function connectNode(url: string, node: string, secret: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    username: node,
    password: secret,
    clientId: `${node}:${Math.random().toString(16).slice(2, 8)}`,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
}

export async function sendMeta(
  client: MqttClient,
  node: string,
  sensors: MetaMessage['sensors'],
): Promise<void> {
  const meta: MetaMessage = { node, board: 'test', sensors };
  await client.publishAsync(topics.meta(node), JSON.stringify(meta), { qos: 1, retain: true });
}

export async function sendReadings(client: MqttClient, node: string, readings: Reading[]): Promise<void> {
  await client.publishAsync(topics.readings(node), JSON.stringify({ readings }), { qos: 1 });
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}
