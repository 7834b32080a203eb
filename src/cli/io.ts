// Where a command writes: stdout for its answer, stderr for problems. Tests pass their own to read both.
export interface CommandIO {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const consoleIO: CommandIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
