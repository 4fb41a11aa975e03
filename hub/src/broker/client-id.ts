/**
 * Which MQTT client ids a node may connect with (docs/PROTOCOL.md, "Client ids"). A broker gives a
 * client id's session, and its queued messages, to whoever connects with it last, and closes the
 * connection that held it (MQTT-3.1.4-2): a node free to choose any id could keep a neighbour
 * offline and read what was queued for it. So an id belongs to one node:
 * - the node id itself;
 * - the node id, ":" and anything (several connections of one node). ":" cannot appear in a node
 *   id, so `plug:x` can never be another node's id, as `plug-x` could;
 * - an empty id with a clean session: the broker makes one up, nothing to take over (paho's default
 *   for MQTT 3.1.1, so emonhub's). MQTT-3.1.3-8 refuses it with a persistent session.
 */
export function clientIdAllowed(node: string, clientId: string, opts: { clean: boolean }): boolean {
  if (clientId === '') return opts.clean;
  return clientId === node || clientId.startsWith(`${node}:`);
}

/** The one line a refused client reads in the hub log: what it sent and what to send instead. */
export function clientIdHint(node: string, clientId: string): string {
  return `node ${node} connected with client id "${clientId}": refused (CONNACK 2); a node's client id is its node id ("${node}") or "${node}:" followed by anything`;
}
