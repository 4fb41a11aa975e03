/** Read through the hub's module, loaded only here: `communs node` need not load the hub. */
async function version(): Promise<string> {
  return (await import('../hub/src/hub.ts')).VERSION;
}

const HELP = (v: string) => `communs ${v} — a neighbourhood's own sensor hub. No cloud.

usage:
  communs hub [--data DIR] [--http-port N] [--mqtt-port N] [--host ADDR] [--demo [N] | --no-demo] [--console SERIAL_PATH]
  communs node --config FILE
  communs console [--data DIR] [-c "COMMAND"]
  communs flash --port PATH [--board uno|nano] [--attempts N] [--dry-run]
  communs service install|uninstall|status [--node CONFIG] [--print]

"communs COMMAND --help" says more. Docs: README.md and docs/.`;

/** Dispatches a subcommand and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'hub':
      return (await import('../hub/src/cli/hub-command.ts')).runHubCommand(rest);
    case 'console':
      return (await import('../hub/src/cli/console-command.ts')).runConsoleCommand(rest);
    case 'node':
      return (await import('../firmware/agent/main.ts')).runNode(rest);
    case 'service':
      return (await import('../hub/src/cli/service-command.ts')).runServiceCommand(rest);
    case 'flash':
      return (await import('../firmware/flash/flash.ts')).runFlash(rest);
    case '--version':
    case '-v':
      console.log(await version());
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(HELP(await version()));
      return 0;
    default:
      console.error(`communs: unknown command "${sub}" — try "communs --help"`);
      return 2;
  }
}
