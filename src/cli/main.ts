/**
 * The `kindling` command line: look into Parquet files and transform them without writing code.
 * `main(argv)` parses the arguments (commander), runs one command, and returns the exit code; every
 * failure becomes one clear message on stderr and a documented exit code (see exit-codes.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { classifyError, EXIT_CODE_HELP, ExitCode } from './exit-codes.js';
import { removeTemporaries } from './output.js';
import { schemaCommand } from './commands/schema.js';
import { headCommand } from './commands/head.js';
import { countCommand } from './commands/count.js';
import { statsCommand } from './commands/stats.js';
import { transformCommand } from './commands/transform.js';
import { sqlCommand } from './commands/sql.js';
import { convertCommand } from './commands/convert.js';
import { explainCommand } from './commands/explain.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Builds the command tree (exposed for tests of the help text). */
export function buildProgram(): Command {
  const program = new Command('kindling')
    .description('Look into Parquet files and transform them: schema, head, count, stats, transform, sql, convert, explain.')
    .version(packageVersion(), '-V, --version')
    .option('-q, --quiet', 'no progress bar and no status lines on stderr')
    .option('-v, --verbose', 'print stack traces and engine details on errors')
    .option('--memory <size>', "memory budget of each blocking operator (sort, aggregation, join), e.g. 256m, 2g")
    .addOption(new Option('--batch-size <rows>', 'rows per batch').hideHelp())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
${EXIT_CODE_HELP}

Examples:
  $ kindling schema data/events/
  $ kindling head data/events.parquet -n 5
  $ kindling transform data/events/ -o out/nz.parquet --filter "country = 'NZ'" --select id,amount
  $ kindling sql "SELECT country, count(*) FROM 'data/*.parquet' GROUP BY country" --format csv
  $ kindling convert events.csv events.parquet

Run 'kindling <command> --help' for a command's flags and examples.`,
    );
  for (const c of [schemaCommand(), headCommand(), countCommand(), statsCommand(), transformCommand(), sqlCommand(), convertCommand(), explainCommand()]) {
    c.exitOverride();
    c.showHelpAfterError('(run with --help for usage)');
    program.addCommand(c);
  }
  return program;
}

/**
 * `--sort -v` must mean "v descending", not `--sort` followed by the `-v` flag: the value of
 * `--sort` is glued to it (`--sort=-v`) before commander sees the arguments.
 */
export function normalizeArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a === '--sort' && i + 1 < argv.length && /^-[^-]/.test(argv[i + 1]!)) {
      out.push(`--sort=${argv[++i]!}`);
    } else out.push(a);
  }
  return out;
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(rawArgv: readonly string[]): Promise<number> {
  const argv = normalizeArgs(rawArgv);
  const program = buildProgram();
  const onSignal = (signal: NodeJS.Signals) => {
    removeTemporaries();
    process.stderr.write(`\nkindling: interrupted (${signal}); no output was written\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0); // reader went away (e.g. `| head`)
  });
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.Usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (or the help / version text)
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? ExitCode.Ok : ExitCode.Usage;
    }
    const { code, message } = classifyError(e);
    process.stderr.write(`kindling: error: ${message}\n`);
    if (verbose && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
