import { NodeId, QUANTITIES, Quantity } from '../../../protocol/index.ts';
import {
  DeviceFormat,
  DeviceTopic,
  type SensorMapping,
  TOPIC_FORMATS,
} from '../../../protocol/interop/device.ts';
import { neighbourhoodSlug } from '../../../protocol/interop/federation.ts';
import { NTP_PORT } from '../../../protocol/sntp.ts';
import type { HubContext } from '../context.ts';
import { RegistryError } from '../store/registry.ts';
import { audit, type Command, CommandError } from './command.ts';

/** `key=quantity:unit` as given to --sensor and `device map`. */
function parseMapping(text: string): [string, SensorMapping] {
  const m = /^([^=\s]{1,64})=([a-z_0-9]+):(\S{1,16})$/.exec(text);
  if (!m?.[1] || !m[2] || !m[3])
    throw new CommandError(`"${text}" must be KEY=QUANTITY:UNIT, e.g. temp_salon=temperature:°C`);
  const q = Quantity.safeParse(m[2]);
  if (!q.success)
    throw new CommandError(`"${m[2]}" is not a quantity: use ${Object.keys(QUANTITIES).join(', ')}`);
  if (!(m[3] in QUANTITIES[q.data].units)) {
    throw new CommandError(
      `unit "${m[3]}" does not fit ${q.data}: use ${Object.keys(QUANTITIES[q.data].units).join(', ')}`,
    );
  }
  return [m[1], { quantity: q.data, unit: m[3] }];
}

function mappings(values: unknown): Record<string, SensorMapping> {
  const list = Array.isArray(values) ? (values as string[]) : typeof values === 'string' ? [values] : [];
  return Object.fromEntries(list.map(parseMapping));
}

/**
 * Whether devices can take their time from the hub: Tasmota and ESPHome ask NTP's port 123 only.
 * Without a running hub (the offline console) the hub's default is assumed: 123 when it may bind it.
 */
function ntpForDevices(ctx: HubContext): { served: true } | { served: false; why: string } {
  const ntp = ctx.ntp?.();
  if (!ntp || ntp.port === NTP_PORT) return { served: true };
  return {
    served: false,
    why: ntp.port === null ? `NTP is off: ${ntp.off}` : `NTP is on port ${ntp.port}, not 123`,
  };
}

/** How to point each kind of device at the hub (broker and clock), printed with its credentials. */
function setupHint(
  format: DeviceFormat,
  id: string,
  secret: string,
  topic: string | null,
  ntp: ReturnType<typeof ntpForDevices>,
): string[] {
  // a device without internet keeps the hub's time: its readings are stamped with it
  const noNtp = ntp.served
    ? []
    : [`The hub gives no time to devices (${ntp.why}): point their NTP server at a time server on your LAN.`];
  switch (format) {
    case 'tasmota':
      return [
        `Tasmota console: Backlog MqttHost HUB-ADDRESS; MqttPort 1883; MqttUser ${id}; MqttPassword ${secret}; Topic ${topic}; FullTopic %prefix%/%topic%/${ntp.served ? '; NtpServer1 HUB-ADDRESS' : ''}`,
        ...noNtp,
      ];
    case 'esphome':
      return [
        'ESPHome YAML:',
        `mqtt:\n  broker: HUB-ADDRESS\n  username: ${id}\n  password: ${secret}\n  topic_prefix: ${topic}\n  discovery: true${
          ntp.served ? '\ntime:\n  - platform: sntp\n    servers:\n      - HUB-ADDRESS' : ''
        }`,
        ...noNtp,
      ];
    case 'emonhub':
      return [
        `emonhub.conf [[MQTT]]: mqtt_host = HUB-ADDRESS, mqtt_user = ${id}, mqtt_passwd = ${secret}, node_format_enable = 1 (node name ${topic})`,
        ...(ntp.served
          ? ['Its machine takes the time from the hub: NTP=HUB-ADDRESS in /etc/systemd/timesyncd.conf']
          : noNtp),
      ];
    case 'airrohr':
      return [
        `airrohr web page, "Send to own API": server HUB-ADDRESS, path /data.php, port 8080, user ${id}, password ${secret}`,
      ];
    case 'homeassistant':
      return [
        `Home Assistant MQTT integration: broker HUB-ADDRESS, port 1883, username ${id}, password ${secret}, discovery prefix homeassistant`,
      ];
    case 'peer':
      return [
        `On the peer hub's console: peer add NAME mqtt://THIS-HUB:1883 --user ${id} --password ${secret}`,
      ];
    default:
      return [JSON.stringify({ node: id, secret, hub: 'mqtt://HUB-ADDRESS:1883' })];
  }
}

export const deviceAdd: Command = {
  name: 'device add',
  usage:
    'device add ID --format native|tasmota|esphome|emonhub|airrohr|homeassistant|peer [--topic TOPIC] [--household H] [--name "NAME"] [--sensor KEY=QUANTITY:UNIT ...]',
  summary: 'provision a device that speaks another format: prints its credentials once',
  options: {
    format: { type: 'string' },
    topic: { type: 'string' },
    household: { type: 'string' },
    name: { type: 'string' },
    sensor: { type: 'string', multiple: true },
  },
  async run(ctx, { positionals, values }, io) {
    const id = positionals[0];
    if (!id || !NodeId.safeParse(id).success)
      throw new CommandError(`a device id such as "plug-kitchen" is needed — usage: ${this.usage}`);
    const format = DeviceFormat.safeParse(values.format);
    if (!format.success) throw new CommandError(`--format must be one of ${DeviceFormat.options.join(', ')}`);
    let topic = (values.topic as string | undefined) ?? null;
    if (format.data === 'peer' && !topic) topic = id;
    if (TOPIC_FORMATS.includes(format.data) && !topic) {
      throw new CommandError(
        `--topic is needed for ${format.data}: the device's own topic (e.g. tasmota_ABC123)`,
      );
    }
    if (topic !== null) {
      const ok = DeviceTopic.safeParse(format.data === 'peer' ? neighbourhoodSlug(topic) : topic);
      if (!ok.success) throw new CommandError(`--topic "${topic}": ${ok.error.issues[0]?.message}`);
      if (format.data === 'peer') topic = ok.data;
    }
    const sensors = mappings(values.sensor);
    const devices = ctx.store.devices;
    if (topic && devices.byTopic(format.data, topic)) {
      throw new CommandError(`another ${format.data} device already uses the topic "${topic}"`);
    }
    const household = (values.household as string | undefined) ?? null;
    let secret = '';
    try {
      secret = devices.addWithNode(ctx.registry, {
        node: { id, name: values.name as string | undefined, household },
        device: { node: id, format: format.data, topic, sensors },
      });
    } catch (err) {
      if (err instanceof RegistryError) throw new CommandError(err.message);
      throw err;
    }
    await ctx.interop?.devicesChanged();
    audit(ctx, io, `device add ${id} --format ${format.data}${topic ? ` --topic ${topic}` : ''}`);
    io.out(
      `${format.data} device ${id} added${household ? ` to household ${household}` : ''}${topic ? `, topic ${topic}` : ''}.`,
    );
    io.out(`  username: ${id}`);
    io.out(`  password: ${secret}`);
    io.out('This secret is shown once and stored only as a hash: copy it into the device now.');
    for (const line of setupHint(format.data, id, secret, topic, ntpForDevices(ctx))) io.out(line);
    return 0;
  },
};

export const deviceMap: Command = {
  name: 'device map',
  usage: 'device map ID KEY=QUANTITY:UNIT [...]',
  summary: 'say what an ESPHome object id or emonhub key measures',
  async run(ctx, { positionals }, io) {
    const [id, ...pairs] = positionals;
    const devices = ctx.store.devices;
    if (!id || !devices.get(id)) throw new CommandError(`no device "${id ?? ''}": see "device list"`);
    if (pairs.length === 0) throw new CommandError(`nothing to map — usage: ${this.usage}`);
    devices.mapSensors(id, Object.fromEntries(pairs.map(parseMapping)));
    await ctx.interop?.devicesChanged();
    audit(ctx, io, `device map ${id} ${pairs.join(' ')}`);
    io.out(`${id}: ${pairs.length} mapping(s) saved.`);
    return 0;
  },
};

export const deviceList: Command = {
  name: 'device list',
  usage: 'device list',
  summary: 'devices with their format and topic',
  run(ctx, _args, io) {
    const rows = ctx.store.devices.list();
    if (rows.length === 0)
      io.out('no devices yet: add one with "device add ID --format tasmota --topic TOPIC"');
    for (const d of rows) {
      const mapped = Object.keys(d.config.sensors).length;
      io.out(
        `${d.node.padEnd(22)} ${d.format.padEnd(14)} ${(d.topic ?? '-').padEnd(24)} ${mapped} mapping(s)`,
      );
    }
    return 0;
  },
};

export const haDiscovery: Command = {
  name: 'ha discovery',
  usage: 'ha discovery on|off',
  summary: 'publish Home Assistant discovery configs for aggregates and shared series',
  async run(ctx, { positionals }, io) {
    const word = positionals[0];
    if (word !== 'on' && word !== 'off') {
      io.out(`Home Assistant discovery is ${ctx.store.flags.get('ha_discovery') ? 'on' : 'off'}.`);
      return word === undefined ? 0 : 2;
    }
    if (ctx.interop) await ctx.interop.setDiscovery(word === 'on');
    else ctx.store.flags.set('ha_discovery', word === 'on');
    audit(ctx, io, `ha discovery ${word}`);
    io.out(`Home Assistant discovery ${word}${ctx.interop ? '' : ' (applied when the hub starts)'}.`);
    return 0;
  },
};

export const peerAdd: Command = {
  name: 'peer add',
  usage: 'peer add NAME mqtt://HOST:PORT [--user U --password P]',
  summary: 'share collective aggregates with a neighbouring hub, and show theirs',
  options: { user: { type: 'string' }, password: { type: 'string' } },
  async run(ctx, { positionals, values }, io) {
    const [name, url] = positionals;
    if (!name || !NodeId.safeParse(name).success)
      throw new CommandError(`a peer name such as "quartier-nord" is needed — usage: ${this.usage}`);
    if (!url || !/^(mqtts?|wss?):\/\/[^\s/]+/.test(url))
      throw new CommandError(`"${url ?? ''}" must be a broker URL such as mqtt://10.0.0.7:1883`);
    const store = ctx.store.federation;
    try {
      store.addPeer(
        {
          name,
          url,
          username: (values.user as string | undefined) ?? null,
          password: (values.password as string | undefined) ?? null,
        },
        ctx.now(),
      );
    } catch (err) {
      throw new CommandError((err as Error).message);
    }
    await ctx.interop?.peersChanged();
    audit(ctx, io, `peer add ${name} ${url}`);
    io.out(`peer ${name} added: only collective aggregates (3+ households) are shared with it.`);
    return 0;
  },
};

export const peerList: Command = {
  name: 'peer list',
  usage: 'peer list',
  summary: 'peer hubs this hub shares aggregates with',
  run(ctx, _args, io) {
    const peers = ctx.store.federation.peers();
    if (peers.length === 0) io.out('no peers: add one with "peer add NAME mqtt://HOST:PORT"');
    for (const p of peers) io.out(`${p.name.padEnd(22)} ${p.url}${p.username ? ` (as ${p.username})` : ''}`);
    return 0;
  },
};

export const peerRemove: Command = {
  name: 'peer remove',
  usage: 'peer remove NAME',
  summary: 'stop sharing with a peer hub',
  async run(ctx, { positionals }, io) {
    const name = positionals[0] ?? '';
    if (!ctx.store.federation.removePeer(name)) throw new CommandError(`no peer "${name}": see "peer list"`);
    await ctx.interop?.peersChanged();
    audit(ctx, io, `peer remove ${name}`);
    io.out(`peer ${name} removed.`);
    return 0;
  },
};

export const INTEROP_COMMANDS: Command[] = [
  deviceAdd,
  deviceMap,
  deviceList,
  haDiscovery,
  peerAdd,
  peerList,
  peerRemove,
];
