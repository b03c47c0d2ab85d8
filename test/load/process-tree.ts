import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * What a process and its descendants use, by command name, from Linux's /proc: CPU seconds so
 * far, or open sockets now. Empty where there is no /proc (not Linux) or the process is gone.
 */
export type CpuByCommand = Record<string, number>;

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  readonly command: string;
  readonly cpuSeconds: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split after the last ')'.
    const close = text.lastIndexOf(')');
    const command = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // After comm: state(0) ppid(1) ... utime(11) stime(12).
    return { pid, ppid: Number(fields[1]), command, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** The process `rootPid` and its descendants; empty where /proc cannot be read. */
function processTree(rootPid: number | undefined): ProcStat[] {
  if (rootPid === undefined) return [];
  let stats: ProcStat[];
  try {
    stats = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((name) => readStat(Number(name)))
      .filter((stat): stat is ProcStat => stat !== undefined);
  } catch {
    return [];
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const tree: ProcStat[] = [];
  const visit = (stat: ProcStat) => {
    tree.push(stat);
    for (const child of children.get(stat.pid) ?? []) visit(child);
  };
  const root = stats.find((stat) => stat.pid === rootPid);
  if (root) visit(root);
  return tree;
}

function addTo(into: Record<string, number>, command: string, value: number): void {
  into[command] = (into[command] ?? 0) + value;
}

/**
 * What the stack's processes (its Node process, the DynamoDB Local JVM, redis-server) have used:
 * sampled before and after the load, the difference says which of them had the cores.
 */
export function processTreeCpu(rootPid: number | undefined): CpuByCommand {
  const byCommand: CpuByCommand = {};
  for (const stat of processTree(rootPid)) addTo(byCommand, stat.command, stat.cpuSeconds);
  return byCommand;
}

/** Listening TCP sockets by inode, with the connections waiting in their accept queue (/proc/net/tcp's rx_queue). */
function listenQueues(): Map<string, number> {
  const queues = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local rem st tx:rx tr:when retrnsmt uid timeout inode; st 0A is LISTEN.
      if (fields[3] !== '0A') continue;
      queues.set(fields[9]!, parseInt(fields[4]!.split(':')[1]!, 16));
    }
  }
  return queues;
}

/** Each process's open sockets, and the longest accept queue among its listening ones. */
export interface SocketUse {
  readonly sockets: number;
  readonly acceptQueue: number;
}

/**
 * Open sockets of each process of the tree (DynamoDB Local's and redis-server's are about one
 * per client connection, so they count the Lambda containers' pools), and how many connections
 * wait in its listening sockets' accept queues: a queue at its backlog means new connections are
 * being dropped (the kernel counts them in TcpExt ListenOverflows).
 */
export function processTreeSockets(rootPid: number | undefined): Record<string, SocketUse> {
  const queues = listenQueues();
  const byCommand: Record<string, SocketUse> = {};
  for (const stat of processTree(rootPid)) {
    let sockets = 0;
    let acceptQueue = 0;
    try {
      for (const fd of readdirSync(`/proc/${stat.pid}/fd`)) {
        try {
          const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${stat.pid}/fd/${fd}`))?.[1];
          if (inode === undefined) continue;
          sockets++;
          acceptQueue = Math.max(acceptQueue, queues.get(inode) ?? 0);
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      continue;
    }
    const seen = byCommand[stat.command];
    byCommand[stat.command] = { sockets: (seen?.sockets ?? 0) + sockets, acceptQueue: Math.max(seen?.acceptQueue ?? 0, acceptQueue) };
  }
  return byCommand;
}

/** The kernel's count of connections dropped because a listening socket's accept queue was full (machine-wide). */
export function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((line) => line.startsWith('TcpExt:'));
    const names = lines[0]!.split(/\s+/);
    const values = lines[1]!.split(/\s+/);
    const at = names.indexOf('ListenOverflows');
    return at > 0 ? Number(values[at]) : undefined;
  } catch {
    return undefined;
  }
}

/** after - before, per command. */
export function cpuUsed(before: CpuByCommand, after: CpuByCommand): CpuByCommand {
  return Object.fromEntries(Object.entries(after).map(([command, seconds]) => [command, seconds - (before[command] ?? 0)]));
}
