/**
 * CPU time of the workerd process Miniflare started for us, read from /proc. Latency on a
 * shared machine moves with whatever else runs; the server's CPU time per request moves far
 * less, and it is what a deployed Worker is billed and limited by. Linux only: elsewhere the
 * probe is absent and the report leaves the column empty.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Returns the workerd children's CPU time so far, in ms. */
export type CpuProbe = () => number;

interface ProcStat {
  comm: string;
  ppid: number;
  ticks: number;
}

function readStat(pid: string): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is parenthesised and may hold spaces; the fields after it are fixed.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text
      .slice(close + 2)
      .split(' ')
      .map(Number);
    // After the name: state(0) ppid(1) ... utime(11) stime(12).
    return { comm, ppid: fields[1] ?? -1, ticks: (fields[11] ?? 0) + (fields[12] ?? 0) };
  } catch {
    return null;
  }
}

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
}

/** A probe over this process's workerd children, or null where /proc is not available. */
export function workerdCpuProbe(): CpuProbe | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const mine = pids.filter((pid) => {
    const stat = readStat(pid);
    return stat?.ppid === process.pid && stat.comm.startsWith('workerd');
  });
  if (mine.length === 0) return null;
  const msPerTick = 1000 / clockTicksPerSecond();
  return () => mine.reduce((sum, pid) => sum + (readStat(pid)?.ticks ?? 0) * msPerTick, 0);
}
