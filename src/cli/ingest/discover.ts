// Which files `mpg ingest` submits, and how a file becomes documents: a JSON file is one document, byte for byte
// (so its submission id is the file's SHA-256); a JSON Lines file is one document per non-blank line.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Names taken from folders (case-insensitive). `.sigstore.json` and `.intoto.jsonl` are covered by their tails. */
export const DOCUMENT_EXTENSIONS: readonly string[] = ['.json', '.sig', '.dsse', '.jsonl', '.ndjson'];
/** JSON Lines: one document per line. */
export const LINE_EXTENSIONS: readonly string[] = ['.jsonl', '.ndjson'];

export interface InputFile {
  /** as shown to the user and recorded as origin: relative to the working directory when inside it. */
  readonly display: string;
  readonly absolute: string;
  readonly lines: boolean;
}

export interface SourceDocument {
  /** `display` for a whole file, `display:line` for a JSON Lines document. */
  readonly source: string;
  readonly body: Buffer;
}

export class DiscoveryError extends Error {
  readonly code = 'INPUT_NOT_FOUND' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DiscoveryError';
  }
}

const hasExtension = (name: string, extensions: readonly string[]): boolean =>
  extensions.some((ext) => name.toLowerCase().endsWith(ext));

export const isDocumentName = (name: string): boolean => hasExtension(name, DOCUMENT_EXTENSIONS);
export const isLinesName = (name: string): boolean => hasExtension(name, LINE_EXTENSIONS);

/**
 * Expands the command line's paths into files, in order, each once. A named file is taken whatever its name; a
 * folder is walked recursively (sorted, hidden folders skipped, symlinked folders not followed, so a link cycle
 * cannot loop) for files with a document extension.
 */
export async function discoverFiles(inputs: readonly string[], cwd = process.cwd()): Promise<InputFile[]> {
  const files: InputFile[] = [];
  const seen = new Set<string>();
  const add = (absolute: string): void => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    files.push({ display: displayPath(absolute, cwd), absolute, lines: isLinesName(absolute) });
  };
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let info;
    try {
      info = await stat(absolute);
    } catch (error) {
      throw new DiscoveryError(`cannot read ${input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        cause: error,
      });
    }
    if (info.isDirectory()) {
      for (const file of await walk(absolute)) add(file);
    } else {
      add(absolute);
    }
  }
  return files;
}

async function walk(root: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(root, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.')) found.push(...(await walk(full)));
    } else if (isDocumentName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(full))))) {
      found.push(full);
    }
  }
  return found;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false; // a dangling link is not a document
  }
}

function displayPath(absolute: string, cwd: string): string {
  const relative = path.relative(cwd, absolute);
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return (inside ? relative : absolute).split(path.sep).join('/');
}

/** The documents of one file, read lazily: a JSON Lines file is streamed, never held whole. */
export async function* readDocuments(file: InputFile): AsyncGenerator<SourceDocument> {
  if (!file.lines) {
    yield { source: file.display, body: await readFile(file.absolute) };
    return;
  }
  for await (const { line, bytes } of splitJsonLines(createReadStream(file.absolute))) {
    yield { source: `${file.display}:${line}`, body: bytes };
  }
}

/** How many documents `files` hold (JSON Lines files are read once to count their non-blank lines). */
export async function countDocuments(files: readonly InputFile[]): Promise<number> {
  let count = 0;
  for (const file of files) {
    if (!file.lines) {
      count += 1;
      continue;
    }
    const lines = splitJsonLines(createReadStream(file.absolute));
    while (!(await lines.next()).done) count += 1;
  }
  return count;
}

const NEWLINE = 0x0a;

/**
 * JSON Lines (jsonlines.org) → one document per non-blank line, with its 1-based line number. Splits bytes, not
 * text, so a line's bytes reach the service unchanged (invalid UTF-8 is the service's to report); each line is
 * trimmed of surrounding whitespace (CRLF files give the same documents as LF files) and a UTF-8 BOM on the first
 * line is dropped.
 */
export async function* splitJsonLines(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): AsyncGenerator<{ line: number; bytes: Buffer }> {
  let pending: Buffer[] = [];
  let line = 0;
  for await (const chunk of chunks) {
    const buffer =
      typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const end = buffer.indexOf(NEWLINE, start);
      if (end === -1) {
        if (start < buffer.length) pending.push(Buffer.from(buffer.subarray(start)));
        break;
      }
      line += 1;
      const bytes = trimLine(Buffer.concat([...pending, buffer.subarray(start, end)]), line === 1);
      pending = [];
      start = end + 1;
      if (bytes !== undefined) yield { line, bytes };
    }
  }
  if (pending.length > 0) {
    line += 1;
    const bytes = trimLine(Buffer.concat(pending), line === 1);
    if (bytes !== undefined) yield { line, bytes };
  }
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const isSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === NEWLINE;

function trimLine(bytes: Buffer, first: boolean): Buffer | undefined {
  let start = first && bytes.subarray(0, 3).equals(BOM) ? 3 : 0;
  let end = bytes.length;
  while (start < end && isSpace(bytes[start])) start += 1;
  while (end > start && isSpace(bytes[end - 1])) end -= 1;
  return start === end ? undefined : bytes.subarray(start, end);
}
