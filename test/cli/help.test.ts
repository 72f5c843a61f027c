import { describe, expect, it } from 'vitest';
import { shadowtap } from '../helpers/capture-tools.js';

/** `shadowtap --help`'s command list: name → description (continuation lines joined). */
function commandList(help: string): Map<string, string> {
  const section = help.split('\nCommands:\n')[1]!.split('\n\n')[0]!;
  const out = new Map<string, string>();
  let last = '';
  for (const line of section.split('\n')) {
    const m = /^ {2}shadowtap ([a-z-]+)(?: [^ ]+)*? {2,}(.*)$/.exec(line) ?? /^ {2}shadowtap ([a-z-]+)\S*( ?.*)$/.exec(line);
    if (m) out.set((last = m[1]!), m[2]!.trim());
    else out.set(last, `${out.get(last)} ${line.trim()}`);
  }
  return out;
}

/** One help section ("Options:", "Examples:", a group such as "Targets:") → its lines. */
function sections(help: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const block of help.split('\n\n')) {
    const [head, ...lines] = block.split('\n');
    if (/^[A-Z][A-Za-z ]*:$/.test(head!)) out.set(head!, lines);
  }
  return out;
}

describe('--help of every command', () => {
  it('lists every command with a description, and each command has one, examples, and a description of every option', async () => {
    const top = await shadowtap(['--help']);
    expect(top.code).toBe(0);
    const commands = commandList(top.stdout);
    expect(commands.size).toBeGreaterThanOrEqual(13);
    for (const [name, description] of commands) {
      expect(description.length, `${name} in the command list`).toBeGreaterThan(20);
      const r = await shadowtap([name, '--help'], { timeoutMs: 30_000 });
      expect(r.code, name).toBe(0);
      // The description: what the list shows, under the usage line.
      const firstWords = description.split(' ').slice(0, 5).join(' ');
      expect(r.stdout.split('\n\n')[1]?.replace(/\s+/g, ' '), `${name}: description under the usage line`).toContain(firstWords);
      const parts = sections(r.stdout);
      const examples = parts.get('Examples:') ?? [];
      expect(examples.filter((l) => l.includes(`shadowtap ${name}`)).length, `${name}: examples`).toBeGreaterThanOrEqual(1);
      // Every option and positional says what it is: its name is followed by words, not at once by [type].
      for (const [head, lines] of parts) {
        if (head === 'Examples:') continue;
        for (const line of lines) {
          // An entry starts at column 2 (a positional, or -x, --flag) or 6 (--flag without alias);
          // deeper lines continue the one before.
          const entry = /^(?: {2}(?:-\w, )?| {6})(?:--)?([\w-]+)(?: {2,}(.*))?$/.exec(line);
          if (!entry || /^ {2}(?! {4}--)\s/.test(line)) continue;
          expect(entry[2] ?? '', `${name} ${head} ${entry[1]}: no description`).not.toMatch(/^\[|^$/);
        }
      }
    }
  });
});
