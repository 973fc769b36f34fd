/**
 * Input path resolution for file sources: single files, lists, directories (recursively, skipping
 * hidden entries like Spark), and globs (`*`, `?`, `[abc]`, `{a,b}`, `**`). Node 20 has no
 * fs.globSync, so a small matcher lives here.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { AnalysisError, KindlingIOError } from '../errors.js';

/** A data file found under the user's paths, with the directory partition discovery starts from. */
export interface ResolvedFile {
  /** Absolute path of the file. */
  readonly path: string;
  /**
   * Directory whose sub-directories (`key=value`) below it are hive partitions of this file, or null
   * when the file was named directly (then it has no partition columns, like Spark without basePath).
   */
  readonly base: string | null;
}

/**
 * Spark's hidden-path rule (InMemoryFileIndex): names starting with '.' or '_' are metadata or
 * temporary files (`_SUCCESS`, `.crc`, `_temporary`), except `_`-names holding '=' (partition dirs).
 */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || (name.startsWith('_') && !name.includes('='));
}

/** True when the path contains glob syntax. */
export function isGlob(path: string): boolean {
  return /[*?[{]/.test(path);
}

/**
 * Resolves user paths to data files: a file stands for itself; a directory for every file ending
 * with `extension` below it (hidden entries skipped); a glob for what it matches (matched
 * directories are expanded like directories). The result is sorted per input and duplicates are
 * dropped. A path that does not exist or a glob that matches nothing raises KindlingIOError; when
 * no data file is found at all, an AnalysisError (Spark: "Unable to infer schema").
 */
export async function resolveInputFiles(paths: string | readonly string[], extension = '.parquet'): Promise<ResolvedFile[]> {
  const inputs = typeof paths === 'string' ? [paths] : [...paths];
  if (inputs.length === 0) throw new AnalysisError('no input paths were given (expected a file, directory, or glob)');
  const out: ResolvedFile[] = [];
  const seen = new Set<string>();
  const add = (f: ResolvedFile) => {
    if (!seen.has(f.path)) {
      seen.add(f.path);
      out.push(f);
    }
  };
  for (const input of inputs) {
    if (isGlob(input)) {
      const { base, matches } = await expandGlob(input);
      if (matches.length === 0) throw new KindlingIOError(`path does not exist: no file matches the glob ${input}`, input);
      for (const m of matches) {
        const st = await stat(m);
        if (st.isDirectory()) for (const f of await listDirectory(m, extension)) add({ path: f, base });
        else add({ path: m, base });
      }
      continue;
    }
    const abs = resolve(input);
    let st;
    try {
      st = await stat(abs);
    } catch (e) {
      throw new KindlingIOError(`path does not exist: ${input}`, input, { cause: e });
    }
    if (st.isDirectory()) for (const f of await listDirectory(abs, extension)) add({ path: f, base: abs });
    else add({ path: abs, base: null });
  }
  if (out.length === 0) {
    throw new AnalysisError(
      `unable to infer a schema: no ${extension} files were found under ${inputs.join(', ')} (hidden files starting with '_' or '.' are skipped)`,
    );
  }
  return out;
}

/** Every file ending with `extension` below `dir`, recursively, sorted, skipping hidden entries. */
export async function listDirectory(dir: string, extension: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (isHiddenName(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith(extension)) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/**
 * Expands a glob against the file system. Returns the directory made of the pattern's literal
 * leading segments (`base`, where partition discovery starts) and the sorted matches (files or
 * directories). Wildcards never match hidden names unless the pattern segment starts with '.'/'_'.
 */
export async function expandGlob(pattern: string): Promise<{ base: string; matches: string[] }> {
  const absolute = resolve(pattern.replaceAll(sep, '/').split('/').filter((s, i) => i === 0 || s !== '').join('/') || '/');
  const segments = absolute.split('/').slice(1);
  let i = 0;
  while (i < segments.length && !isGlob(segments[i]!)) i++;
  const base = '/' + segments.slice(0, i).join('/');
  const rest = segments.slice(i);
  const matches: string[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string, k: number): Promise<void> => {
    if (k === rest.length) {
      if (!seen.has(dir)) {
        seen.add(dir);
        matches.push(dir);
      }
      return;
    }
    const seg = rest[k]!;
    if (!isGlob(seg)) {
      const next = join(dir, seg);
      if (await exists(next)) {
        if (k + 1 === rest.length || (await isDirectory(next))) await walk(next, k + 1);
      }
      return;
    }
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // not a directory
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (seg === '**') {
      await walk(dir, k + 1); // zero directories
      for (const e of entries) if (e.isDirectory() && !isHiddenName(e.name)) await walk(join(dir, e.name), k);
      return;
    }
    const re = segmentRegExp(seg);
    const allowHidden = seg.startsWith('.') || seg.startsWith('_');
    for (const e of entries) {
      if (isHiddenName(e.name) && !allowHidden) continue;
      if (!re.test(e.name)) continue;
      if (k + 1 === rest.length || e.isDirectory()) await walk(join(dir, e.name), k + 1);
    }
  };
  if (await exists(base)) await walk(base, 0);
  matches.sort();
  return { base, matches };
}

/** True when `path` ('/'-separated) matches the glob `pattern` (`**` spans any number of directories). */
export function matchGlob(pattern: string, path: string): boolean {
  const segs = pattern.split('/');
  let src = '^';
  segs.forEach((s, i) => {
    const last = i === segs.length - 1;
    if (s === '**') src += last ? '.*' : '(?:[^/]*/)*';
    else src += segmentSource(s) + (last ? '' : '/');
  });
  return new RegExp(src + '$').test(path);
}

/** A RegExp matching one path segment against a glob segment. */
export function segmentRegExp(segment: string): RegExp {
  return new RegExp(`^${segmentSource(segment)}$`);
}

function segmentSource(seg: string): string {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else if (c === '{') {
      const end = seg.indexOf('}', i);
      if (end < 0) {
        out += '\\{';
        continue;
      }
      out += `(?:${seg
        .slice(i + 1, end)
        .split(',')
        .map(segmentSource)
        .join('|')})`;
      i = end;
    } else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}
