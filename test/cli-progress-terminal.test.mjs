// The progress line on a real pseudo-terminal (tmux): it fits the width (fields are dropped, never wrapped),
// redraws in place (one line however long the job), redraws at the new width when the window is resized,
// is erased at the end, and is absent with --quiet or when stderr is not a terminal.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, openSync, ftruncateSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliPath } from './support/cli.mjs';

const { progressLine } = await import('../dist/cli/progress.js');

test('progressLine never reaches the last column, keeps the percentage, drops the bar first', () => {
  const big = { bytesDone: 3 * 2 ** 40 + 12345, bytesTotal: 7 * 2 ** 40, tasksDone: 1, tasksTotal: 9 };
  for (let columns = 1; columns <= 200; columns++) {
    for (const elapsed of [0, 0.4, 3, 7200]) {
      const line = progressLine('hashing', big, elapsed, columns);
      assert.ok(line.length <= Math.max(0, columns - 1), `${columns} columns: ${JSON.stringify(line)}`);
    }
  }
  assert.equal(progressLine('hashing', big, 3, 20), 'hashing  42%');
  assert.match(progressLine('hashing', big, 3, 50), /^hashing {2}42% 3\.0 TiB\/7\.0 TiB 1\.0 TiB\/s ETA 4s$/);
  assert.match(progressLine('hashing', big, 3, 100), /^hashing {2}42% \[#{13}-{17}\] 3\.0 TiB\/7\.0 TiB 1\.0 TiB\/s ETA 4s$/);
  assert.match(progressLine('hashing', { ...big, bytesDone: 1 }, 1e-3, 100), /ETA \d+h\d\dm$/);
});

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

describe('progress on a pseudo-terminal (tmux)', { skip: hasTmux ? false : 'tmux (a pseudo-terminal to draw the progress on) is not installed' }, () => {
  const socket = `ms-progress-${process.pid}`;
  let dir;
  let model;
  let small;
  const tmux = (...args) => spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ms-progress-'));
    // Sparse files: large enough to take a while to hash, no disk space.
    const sparse = (p, size) => {
      const fd = openSync(p, 'w');
      ftruncateSync(fd, size);
      closeSync(fd);
    };
    model = join(dir, 'big');
    mkdirSync(model);
    sparse(join(model, 'weights.bin'), 8 * 2 ** 30);
    small = join(dir, 'small');
    mkdirSync(small);
    sparse(join(small, 'weights.bin'), 300 * 2 ** 20);
  });
  after(() => {
    tmux('kill-server');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the CLI in a detached tmux window `width` columns wide; the window stays after it exits. */
  function start(name, width, args, redirect = '') {
    // Niced: the hashing only has to show progress, not to compete with the tests running alongside.
    const cmd = `MODEL_SIGNING_LOG_LEVEL= nice -n 10 ${[process.execPath, cliPath, ...args].map(shellQuote).join(' ')}${redirect}; echo __done__; sleep 120`;
    const open = () => tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', '12', cmd);
    let r = open();
    // Seen once in CI: the tmux server starting for the first session went away ("server exited
    // unexpectedly") and the session was never made. Once more, then it must work.
    if (r.status !== 0 && /server exited unexpectedly/.test(r.stderr)) r = open();
    assert.equal(r.status, 0, r.stderr);
  }
  /** The whole window including its scrollback, wrapped lines joined, empty lines dropped. */
  const screen = (name) => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', name).stdout.split('\n').filter((l) => l.trim() !== '');
  const barLines = (lines) => lines.filter((l) => /hashing/.test(l));

  async function waitFor(name, predicate, ms = 30_000) {
    const until = Date.now() + ms;
    for (;;) {
      const lines = screen(name);
      if (predicate(lines)) return lines;
      if (Date.now() > until) assert.fail(`timed out; screen:\n${lines.join('\n')}`);
      await sleep(50);
    }
  }

  for (const width of [40, 60, 80, 100]) {
    test(`${width} columns: one line that fits, redrawn in place`, async () => {
      const name = `w${width}`;
      start(name, width, ['digest', '--max-workers', '1', model]);
      try {
        await waitFor(name, (l) => barLines(l).length > 0);
        const seen = new Set();
        for (let i = 0; i < 6; i++) {
          const lines = screen(name);
          if (lines.includes('__done__')) break;
          const bars = barLines(lines);
          assert.ok(bars.length <= 1, `one progress line, got:\n${bars.join('\n')}`);
          for (const l of lines) assert.ok(l.length < width, `line fits in ${width} columns: ${JSON.stringify(l)}`);
          for (const b of bars) seen.add(b);
          await sleep(200);
        }
        assert.ok(seen.size >= 1);
      } finally {
        tmux('kill-session', '-t', name);
      }
    });
  }

  test('a resize redraws at the new width; later redraws add no lines', async () => {
    const name = 'resize';
    start(name, 100, ['digest', '--max-workers', '1', model]);
    try {
      await waitFor(name, (l) => barLines(l).some((b) => /ETA/.test(b)));
      tmux('resize-window', '-t', name, '-x', '45');
      // The new line at the new width: no room for the bar there.
      await waitFor(name, (l) => l.some((b) => /^hashing +\d+% \d/.test(b) && b.length < 45));
      const after = barLines(screen(name)).length;
      // tmux rewraps the old line on a narrower window and keeps its top part: at most that one stays behind.
      assert.ok(after <= 2, `after the resize:\n${screen(name).join('\n')}`);
      await sleep(1000);
      if (!screen(name).includes('__done__')) assert.equal(barLines(screen(name)).length, after, 'redraws after the resize stay on one line');
      tmux('resize-window', '-t', name, '-x', '120');
      await waitFor(name, (l) => l.some((b) => /^hashing +\d+% \[[#-]+\] .* ETA \S+$/.test(b)));
    } finally {
      tmux('kill-session', '-t', name);
    }
  });

  test('erased at the end: nothing of the bar is left', async () => {
    const name = 'end';
    start(name, 80, ['digest', '--max-workers', '1', small]);
    try {
      const lines = await waitFor(name, (l) => l.includes('__done__'), 120_000);
      assert.match(lines[0], /^sha256:[0-9a-f]{64}$/);
      assert.deepEqual(barLines(lines), []);
      assert.ok(!lines.some((l) => /ETA|\[#|%/.test(l)), lines.join('\n'));
    } finally {
      tmux('kill-session', '-t', name);
    }
  });

  test('nothing with --quiet, nothing when stderr is not a terminal', async () => {
    start('quiet', 80, ['--quiet', 'digest', '--max-workers', '1', model]);
    const errFile = join(dir, 'stderr.txt');
    start('notty', 80, ['digest', '--max-workers', '1', model], ` 2>${shellQuote(errFile)}`);
    try {
      await sleep(2000);
      assert.deepEqual(barLines(screen('quiet')), []);
      assert.deepEqual(barLines(screen('notty')), []);
      assert.equal(readFileSync(errFile, 'utf8'), '');
    } finally {
      tmux('kill-session', '-t', 'quiet');
      tmux('kill-session', '-t', 'notty');
    }
  });
});
