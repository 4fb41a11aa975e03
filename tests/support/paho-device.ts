import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Debian's python3-paho-mqtt imports only under the system interpreter. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface PahoMessage {
  topic: string;
  payload: string;
  qos?: 0 | 1;
  retain?: boolean;
}

export interface PahoDeviceOptions {
  port: number;
  user: string;
  password: string;
  clientId: string;
  /** the last will, as stock Tasmota and ESPHome set it (QoS 1, retained) */
  will?: PahoMessage;
  keepalive?: number;
}

export interface PahoEvent {
  event: 'connected' | 'disconnected' | 'published' | 'queued' | 'message' | 'ended';
  rc?: number;
  mid?: number;
  topic?: string;
  payload?: string;
}

/**
 * A device no one here wrote: paho-mqtt (MQTT 3.1.1) under the system Python, connecting as a stock
 * Tasmota or ESPHome firmware would (its client id, credentials and QoS 1 retained will). It publishes
 * what the test writes to it, reports every connection event on stdout, and never reconnects by
 * itself, so a refused or cut connection shows. `kill()` ends it with SIGKILL: no DISCONNECT packet
 * is sent, as when a plug loses power.
 */
export class PahoDevice {
  private readonly child: ChildProcessWithoutNullStreams;
  readonly events: PahoEvent[] = [];
  private waiters: Array<() => void> = [];

  constructor(opts: PahoDeviceOptions) {
    this.child = spawn(SYSTEM_PYTHON, ['-u', '-c', SCRIPT, JSON.stringify(opts)], { stdio: 'pipe' });
    this.child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as PahoEvent);
      } catch {
        return;
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static available(): boolean {
    return existsSync(SYSTEM_PYTHON);
  }

  publish(m: PahoMessage): void {
    this.child.stdin.write(`${JSON.stringify({ qos: 1, retain: false, ...m })}\n`);
  }

  subscribe(topic: string): void {
    this.child.stdin.write(`${JSON.stringify({ subscribe: topic })}\n`);
  }

  /** Resolves with the first event (past or future) that `match` accepts. */
  async waitFor(match: (e: PahoEvent) => boolean, timeoutMs = 10_000): Promise<PahoEvent> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`paho: no matching event; saw ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}

const SCRIPT = `
import json, sys, threading
import paho.mqtt.client as mqtt
opts = json.loads(sys.argv[1])
def out(**kw):
    print(json.dumps(kw), flush=True)
c = mqtt.Client(client_id=opts["clientId"], clean_session=True, protocol=mqtt.MQTTv311)
c.username_pw_set(opts["user"], opts["password"])
w = opts.get("will")
if w:
    c.will_set(w["topic"], w["payload"], qos=w.get("qos", 1), retain=w.get("retain", True))
c.on_connect = lambda cl, u, f, rc: out(event="connected", rc=rc)
c.on_disconnect = lambda cl, u, rc: out(event="disconnected", rc=rc)
c.on_publish = lambda cl, u, mid: out(event="published", mid=mid)
c.on_message = lambda cl, u, m: out(event="message", topic=m.topic, payload=m.payload.decode("utf-8", "replace"))
c.connect("127.0.0.1", opts["port"], keepalive=opts.get("keepalive", 30))
def commands():
    for line in sys.stdin:
        m = json.loads(line)
        if "subscribe" in m:
            c.subscribe(m["subscribe"], qos=1)
        else:
            info = c.publish(m["topic"], m["payload"], qos=m["qos"], retain=m["retain"])
            out(event="queued", mid=info.mid)
threading.Thread(target=commands, daemon=True).start()
while c.loop(timeout=0.2) == mqtt.MQTT_ERR_SUCCESS:
    pass
out(event="ended")
`;
