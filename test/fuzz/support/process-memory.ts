/** Resident memory of another process, from /proc/<pid>/status (Linux). */
import fs from 'node:fs';

const MIB = 1024 * 1024;

export interface Memory {
  /** Resident set size now (VmRSS), MiB. */
  rssMiB: number;
  /** Peak resident set size since the process started (VmHWM), MiB. */
  peakMiB: number;
}

/** Undefined once the process is gone (or exited and not yet reaped). */
export function memoryOf(pid: number): Memory | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const mib = (field: string) => {
    const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kib === undefined ? undefined : (Number(kib) * 1024) / MIB;
  };
  const [rssMiB, peakMiB] = [mib('VmRSS'), mib('VmHWM')];
  // A process that has exited but not been reaped (a zombie) has no memory lines any more.
  return rssMiB === undefined || peakMiB === undefined ? undefined : { rssMiB, peakMiB };
}

/**
 * Samples a process's memory until stopped, so the peak is known even if the process dies (its
 * /proc entry, and VmHWM with it, goes away). stop() returns the highest values seen.
 */
export function watchMemory(pid: number, everyMs = 20): { stop(): Memory } {
  const peak: Memory = { rssMiB: 0, peakMiB: 0 };
  const sample = () => {
    const now = memoryOf(pid);
    if (!now) return;
    peak.rssMiB = Math.max(peak.rssMiB, now.rssMiB);
    peak.peakMiB = Math.max(peak.peakMiB, now.peakMiB);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}
