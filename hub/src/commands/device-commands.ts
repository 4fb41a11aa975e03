import { NodeId, QUANTITIES, Quantity, TimeZone } from '../../../protocol/index.ts';
import {
  DeviceFormat,
  DeviceTopic,
  PrefixTopic,
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
    throw new CommandError(
      `"${text}" must be KEY=QUANTITY:UNIT (e.g. temp_salon=temperature:°C) or KEY ignore`,
    );
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

/** Where devices reach the hub: the `url` setting's host when set, the real ports always. */
interface HubAddress {
  host: string;
  mqttPort: number;
  httpPort: number;
}

function hubAddress(ctx: HubContext): HubAddress {
  const set = ctx.settings.get().publicUrl;
  const base = new URL(set || ctx.baseUrl());
  // no running hub (the offline console), or one listening on loopback or on every address: there is
  // no address a device could use, the admin fills it in
  const unknown =
    !set && (!ctx.mqttPort || /^(127\.|localhost$|0\.0\.0\.0$|\[?::1?\]?$)/.test(base.hostname));
  return {
    host: unknown ? 'HUB-ADDRESS' : base.hostname,
    mqttPort: ctx.mqttPort?.() ?? 1883,
    httpPort: Number(base.port) || (base.protocol === 'https:' ? 443 : 80),
  };
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

/**
 * How to point each kind of device at the hub (broker and clock), printed with its credentials.
 * The hub accepts only the device's id as MQTT client id (docs/PROTOCOL.md, "Connecting"): Tasmota
 * (DVES_…), ESPHome (name-MAC) and Home Assistant (random) make up another one unless told; emonhub
 * sends none.
 */
function setupHint(
  format: DeviceFormat,
  id: string,
  secret: string,
  topic: string | null,
  hub: HubAddress,
  ntp: ReturnType<typeof ntpForDevices>,
): string[] {
  const { host, mqttPort, httpPort } = hub;
  // a device without internet keeps the hub's time: its readings are stamped with it
  const noNtp = ntp.served
    ? []
    : [`The hub gives no time to devices (${ntp.why}): point their NTP server at a time server on your LAN.`];
  switch (format) {
    case 'tasmota':
      return [
        `Tasmota console: Backlog MqttHost ${host}; MqttPort ${mqttPort}; MqttClient ${id}; MqttUser ${id}; MqttPassword ${secret}; Topic ${topic}; FullTopic %prefix%/%topic%/${ntp.served ? `; NtpServer1 ${host}` : ''}`,
        ...noNtp,
      ];
    case 'esphome':
      return [
        'ESPHome YAML:',
        `mqtt:\n  broker: ${host}\n  port: ${mqttPort}\n  client_id: ${id}\n  username: ${id}\n  password: ${secret}\n  topic_prefix: ${topic}\n  discovery: true${
          ntp.served ? `\ntime:\n  - platform: sntp\n    servers:\n      - ${host}` : ''
        }`,
        ...noNtp,
      ];
    case 'emonhub':
      return [
        `emonhub.conf [[MQTT]]: mqtt_host = ${host}, mqtt_port = ${mqttPort}, mqtt_user = ${id}, mqtt_passwd = ${secret}, node_format_enable = 1 (node name ${topic})`,
        ...(ntp.served
          ? [`Its machine takes the time from the hub: NTP=${host} in /etc/systemd/timesyncd.conf`]
          : noNtp),
      ];
    case 'airrohr':
      return [
        `airrohr web page, "Send to own API": server ${host}, path /data.php, port ${httpPort}, user ${id}, password ${secret}`,
      ];
    case 'homeassistant':
      return [
        `Home Assistant MQTT integration: broker ${host}, port ${mqttPort}, client ID ${id} (advanced options), username ${id}, password ${secret}, discovery prefix homeassistant`,
      ];
    case 'peer':
      return [
        `On the peer hub's console: peer add NAME mqtt://${host}:${mqttPort} --user ${id} --password ${secret}`,
      ];
    default:
      return [JSON.stringify({ node: id, secret, hub: `mqtt://${host}:${mqttPort}` })];
  }
}

export const deviceAdd: Command = {
  name: 'device add',
  usage:
    'device add ID --format native|tasmota|esphome|emonhub|airrohr|homeassistant|peer [--topic TOPIC] [--household H] [--name "NAME"] [--sensor KEY=QUANTITY:UNIT ...] [--timezone ZONE]',
  summary: 'provision a device that speaks another format: prints its credentials once',
  options: {
    format: { type: 'string' },
    topic: { type: 'string' },
    household: { type: 'string' },
    name: { type: 'string' },
    sensor: { type: 'string', multiple: true },
    timezone: { type: 'string' },
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
      const schema = format.data === 'esphome' ? PrefixTopic : DeviceTopic;
      const ok = schema.safeParse(format.data === 'peer' ? neighbourhoodSlug(topic) : topic);
      if (!ok.success) throw new CommandError(`--topic "${topic}": ${ok.error.issues[0]?.message}`);
      if (format.data === 'peer') topic = ok.data;
    }
    const sensors = mappings(values.sensor);
    let timeZone: string | undefined;
    if (values.timezone !== undefined) {
      const zone = TimeZone.safeParse(values.timezone);
      if (!zone.success) throw new CommandError(`--timezone ${zone.error.issues[0]?.message}`);
      timeZone = zone.data;
    }
    const devices = ctx.store.devices;
    if (topic && devices.byTopic(format.data, topic)) {
      throw new CommandError(`another ${format.data} device already uses the topic "${topic}"`);
    }
    const household = (values.household as string | undefined) ?? null;
    let secret = '';
    try {
      secret = await devices.addWithNode(ctx.registry, {
        node: { id, name: values.name as string | undefined, household },
        device: { node: id, format: format.data, topic, sensors, ...(timeZone ? { timeZone } : {}) },
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
    const lines = setupHint(format.data, id, secret, topic, hubAddress(ctx), ntpForDevices(ctx));
    for (const line of lines) io.out(line);
    return 0;
  },
};

/** `KEY=QUANTITY:UNIT` and `KEY ignore` pairs, in the order given. */
function mapWords(words: string[]): { sensors: Record<string, SensorMapping>; ignore: string[] } {
  const sensors: Record<string, SensorMapping> = {};
  const ignore: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    if (words[i + 1] === 'ignore' && !word.includes('=')) {
      ignore.push(word.slice(0, 64));
      i++;
      continue;
    }
    const [key, mapping] = parseMapping(word);
    sensors[key] = mapping;
  }
  return { sensors, ignore };
}

export const deviceMap: Command = {
  name: 'device map',
  usage: 'device map ID KEY=QUANTITY:UNIT|KEY ignore [...]',
  summary:
    'say what a device field measures (Tasmota ANALOG.A0, ESPHome object id, emonhub key), or ignore it',
  async run(ctx, { positionals }, io) {
    const [id, ...pairs] = positionals;
    const devices = ctx.store.devices;
    if (!id || !devices.get(id)) throw new CommandError(`no device "${id ?? ''}": see "device list"`);
    if (pairs.length === 0) throw new CommandError(`nothing to map — usage: ${this.usage}`);
    const { sensors, ignore } = mapWords(pairs);
    devices.mapSensors(id, sensors, ignore);
    await ctx.interop?.devicesChanged();
    audit(ctx, io, `device map ${id} ${pairs.join(' ')}`);
    const n = Object.keys(sensors).length;
    io.out(`${id}: ${n} mapping(s) saved${ignore.length ? `, ${ignore.join(', ')} ignored` : ''}.`);
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
