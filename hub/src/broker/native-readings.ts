import { topics } from '../../../protocol/index.ts';
import type { IngestPipeline } from '../ingest/pipeline.ts';
import { nativeSubmission } from '../ingest/submission.ts';
import type { FastPath, MqttGuard } from './guard.ts';

/**
 * The fast path of a connected native node's readings (`communs/v1/nodes/<node>/readings`, QoS 0
 * or 1, not retained): the guard hands the PUBLISH bytes here and aedes never sees them. aedes
 * would build packet objects, match the topic against every subscription and route the message to
 * nobody — no client may subscribe to another node's readings — which cost more than validating and
 * storing the readings (docs/PERFORMANCE.md). The acknowledgement is the same as through aedes: the
 * PUBACK is written after the commit, in arrival order (the commit callbacks run in order and aedes
 * writes its own PUBACKs synchronously from the same callbacks); a failed commit ends the
 * connection so the node sends again.
 *
 * Everything else (status, meta, QoS 2, retained, malformed, foreign devices) goes through aedes, as
 * does a node's readings while any client holds a subscription that matches them.
 */
export class NativeReadingsPath implements FastPath {
  private readonly topic: Buffer;

  constructor(
    private readonly opts: {
      guard: MqttGuard;
      node: string;
      ingest: IngestPipeline;
      /** true once some subscription could receive this node's readings: then aedes must route them */
      watched: () => boolean;
      /** the client was heard from: aedes' keepalive timer must not fire */
      alive: () => void;
    },
  ) {
    this.topic = Buffer.from(topics.readings(opts.node));
  }

  take(packet: Buffer, body: number): boolean {
    const flags = (packet[0] as number) & 0x0f;
    const qos = (flags >> 1) & 3;
    if (qos > 1 || flags & 1) return false;
    const topicStart = body + 2;
    const topicEnd = topicStart + this.topic.length;
    if (topicEnd > packet.length || packet.readUInt16BE(body) !== this.topic.length) return false;
    if (this.topic.compare(packet, topicStart, topicEnd) !== 0) return false;
    let payload = topicEnd;
    let id = 0;
    if (qos === 1) {
      if (payload + 2 > packet.length) return false;
      id = packet.readUInt16BE(payload);
      payload += 2;
      // a QoS 1 packet id 0 (MQTT-2.3.1-1) is aedes' to refuse
      if (id === 0) return false;
    }
    if (this.opts.watched()) return false;
    this.opts.alive();
    const { guard } = this.opts;
    const submission = nativeSubmission(this.opts.node, 'readings', packet.subarray(payload));
    this.opts.ingest.submit(submission, (err) => {
      if (err) guard.destroy();
      guard.settle(id);
    });
    return true;
  }
}
