import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * Every relative link and anchor in README.md and docs/*.md must resolve: a page moved or a
 * heading renamed breaks a reader's path through the docs, and nothing else would notice.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Pages the README and the docs index link to that are written on other branches and arrive when
 * those branches merge. A missing one is allowed; once present it is checked like any other.
 */
const PAGES_ARRIVING_FROM_OTHER_BRANCHES = new Set(['docs/architecture.md', 'docs/health.md']);

const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
const anchorsOf = (markdown: string): Set<string> => {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6} (.*)$/.exec(line);
    if (heading?.[1] === undefined) continue;
    const base = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .trim()
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
};

/** The link targets of a page outside code: `[text](target)`, without titles. */
const linksOf = (markdown: string): string[] => {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1] ?? '');
};

const broken = (page: string): string[] => {
  const problems: string[] = [];
  for (const target of linksOf(readFileSync(join(root, page), 'utf8'))) {
    if (/^[a-z]+:/i.test(target)) continue;
    const [path = '', anchor] = target.split('#');
    const file = path === '' ? page : normalize(join(dirname(page), path));
    if (!existsSync(join(root, file))) {
      if (!PAGES_ARRIVING_FROM_OTHER_BRANCHES.has(relative('.', file))) {
        problems.push(`${target}: no file ${file}`);
      }
      continue;
    }
    if (anchor !== undefined && file.endsWith('.md')) {
      if (!anchorsOf(readFileSync(join(root, file), 'utf8')).has(anchor)) {
        problems.push(`${target}: no heading #${anchor} in ${file}`);
      }
    }
  }
  return problems;
};

describe('documentation links', () => {
  it('finds the pages and their links', () => {
    expect(pages).toContain('docs/deploy.md');
    expect(linksOf(readFileSync(join(root, 'README.md'), 'utf8')).length).toBeGreaterThan(5);
  });

  it.each(pages)('%s: every relative link and anchor resolves', (page) => {
    expect(broken(page)).toEqual([]);
  });

  it('anchors follow GitHub: punctuation dropped, repeats numbered', () => {
    expect([...anchorsOf('# Events are in the DLQ: what now\n## `a`, b\n## `a`, b\n')]).toEqual([
      'events-are-in-the-dlq-what-now',
      'a-b',
      'a-b-1',
    ]);
  });

  it('does not find an anchor that is no heading', () => {
    expect(anchorsOf('## Deploy').has('deploy')).toBe(true);
    expect(anchorsOf('## Deploy').has('deploying')).toBe(false);
  });
});
