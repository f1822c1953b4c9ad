import type { CliIo } from './command.ts';
import { runHealthCommand } from './health.ts';
import { runReconcileCommand } from './reconcile.ts';
import { runReplayCommand } from './replay.ts';

/** Usage of the whole command line, as `--help` prints it. */
const USAGE = `Usage: vpn-monitor-provisioner <command> [options]

Commands
  replay      move dead-lettered "VPN connection created" messages back to the source queue
  reconcile   queue every VPN connection that has no monitor; report orphaned monitors
  health      read each monitored connection's health from Cloud Eye; publish its changes

Run "vpn-monitor-provisioner <command> --help" for a command's options.
`;

/**
 * The command-line entry point (`bin/vpn-monitor-provisioner.js`): runs `argv` (without node
 * and the script), resolving with the exit status. The command-line counterpart of `handlers/`.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'replay') return runReplayCommand(rest, io);
  if (command === 'reconcile') return runReconcileCommand(rest, io);
  if (command === 'health') return runHealthCommand(rest, io);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  io.stderr.write(`Unknown command: ${command}\n\n${USAGE}`);
  return 2;
}
