// The local Step Functions console: reads the stack's `/_local/*` JSON, draws each state machine
// from its ASL (layout by dagre), and highlights one execution's path from its history, which has
// the events and details GetExecutionHistory gives (previousEventId links each event to its cause).
// Plain script, no build step: the stack serves this file as it is.
'use strict';

const REFRESH_MS = 1500;
const SVG = 'http://www.w3.org/2000/svg';
const START = '__start';
const END = '__end';

const view = {
  machines: [],
  executions: [],
  machineArn: undefined,
  executionId: undefined,
  /** The selected execution's history and the status it was read at. */
  history: undefined,
  historyStatus: undefined,
  /** The selected execution when the filtered list does not hold it. */
  detail: undefined,
  stateName: undefined,
};

// ---------------------------------------------------------------------------------------------
// DOM helpers (text goes in as text: execution data is never parsed as HTML)

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) element.append(child);
  return element;
}

function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

const $ = (id) => document.getElementById(id);

async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
}

function pretty(jsonText) {
  if (jsonText === undefined) return undefined;
  try {
    return JSON.stringify(JSON.parse(jsonText), null, 2);
  } catch {
    return String(jsonText);
  }
}

function duration(execution) {
  if (!execution.stoppedAt) return 'running';
  const ms = Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
}

const machineName = (arn) => view.machines.find((m) => m.stateMachineArn === arn)?.name ?? arn.split(':').at(-1);

// ---------------------------------------------------------------------------------------------
// The graph of a state machine, from its ASL

/**
 * Nodes and edges of an ASL definition. A Map state is a cluster that holds a header node (the
 * Map itself, where edges arrive and leave) and its item processor's states.
 */
function graphOf(definition) {
  const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 34, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const node = (id, label, kind, parent) => {
    g.setNode(id, { label, kind, width: Math.max(90, label.length * 7.4 + 28), height: kind === 'terminal' ? 30 : 42 });
    if (parent) g.setParent(id, parent);
  };
  const edge = (from, to, kind, label) => g.setEdge(from, to, { kind, label, width: label ? label.length * 5.5 : 0, height: label ? 10 : 0 }, `${from}->${to}:${kind}:${label ?? ''}`);

  node(START, 'Start', 'terminal');
  node(END, 'End', 'terminal');
  edge(START, definition.StartAt, 'next');
  const addStates = (states, parent, endsAt) => {
    for (const [name, state] of Object.entries(states)) {
      node(name, name, state.Type, parent);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (state.Type === 'Map' && processor) {
        const cluster = `cluster:${name}`;
        g.setNode(cluster, { label: `${name}: each item`, kind: 'cluster' });
        if (parent) g.setParent(cluster, parent);
        g.setParent(name, cluster);
        addStates(processor.States, cluster, undefined);
        edge(name, processor.StartAt, 'item', 'each item');
      }
      if (state.Next) edge(name, state.Next, 'next');
      if (state.Default) edge(name, state.Default, 'next', 'default');
      for (const choice of state.Choices ?? []) edge(name, choice.Next, 'next', 'choice');
      for (const caught of state.Catch ?? []) edge(name, caught.Next, 'catch', 'catch');
      const ends = state.End || state.Type === 'Succeed' || state.Type === 'Fail';
      if (ends && endsAt) edge(name, endsAt, 'next');
    }
  };
  addStates(definition.States, undefined, END);
  dagre.layout(g);
  return g;
}

/** The path of an SVG edge through dagre's points. */
function pathOf(points) {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

function drawGraph(definition, marks) {
  const g = graphOf(definition);
  const { width, height } = g.graph();
  const svg = s('svg', { width: Math.ceil(width), height: Math.ceil(height), viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`, role: 'img' });
  svg.append(
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#6b7686' }))),
  );
  for (const id of g.nodes()) {
    const n = g.node(id);
    if (n.kind !== 'cluster') continue;
    svg.append(
      s('g', { class: 'cluster', 'data-cluster': id.slice('cluster:'.length) },
        s('rect', { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: 6 }),
        s('text', { x: n.x - n.width / 2 + 8, y: n.y - n.height / 2 + 12 }, document.createTextNode(n.label)),
      ),
    );
  }
  for (const e of g.edges()) {
    const data = g.edge(e);
    const taken = marks?.edges.has(`${e.v}->${e.w}`);
    const classes = ['edge', data.kind, taken ? 'taken' : '', taken && marks.failedEdges.has(`${e.v}->${e.w}`) ? 'to-failure' : ''].filter(Boolean).join(' ');
    const group = s('g', { class: classes, 'data-from': e.v, 'data-to': e.w }, s('path', { d: pathOf(data.points), 'marker-end': 'url(#arrow)' }));
    if (data.label && data.kind === 'catch') group.append(s('text', { x: data.x, y: data.y }, document.createTextNode(data.label)));
    svg.append(group);
  }
  for (const id of g.nodes()) {
    const n = g.node(id);
    if (n.kind === 'cluster') continue;
    const mark = marks?.states.get(id);
    const classes = ['node', n.kind === 'terminal' ? 'terminal' : '', mark ? `visited ${mark}` : '', view.stateName === id ? 'selected' : ''].filter(Boolean).join(' ');
    const group = s('g', { class: classes, 'data-state': id, tabindex: n.kind === 'terminal' ? undefined : 0 },
      s('rect', { x: n.x - n.width / 2, y: n.y - n.height / 2, width: n.width, height: n.height, rx: n.kind === 'terminal' ? 15 : 5 }),
      s('text', { x: n.x, y: n.kind === 'terminal' ? n.y : n.y - 5 }, document.createTextNode(n.label)),
    );
    if (n.kind !== 'terminal') {
      group.append(s('text', { class: 'kind', x: n.x, y: n.y + 11 }, document.createTextNode(mark ? `${n.kind} · ${mark}` : n.kind)));
      group.addEventListener('click', () => selectState(id));
    }
    svg.append(group);
  }
  $('graph').replaceChildren(svg);
}

// ---------------------------------------------------------------------------------------------
// An execution's path, from its history

/** Reads a history: per state its runs (input, output, errors) and the edges the execution took. */
function pathOfHistory(events) {
  const byId = new Map(events.map((e) => [e.id, e]));
  const entered = (e) => e.stateEnteredEventDetails;
  const exited = (e) => e.stateExitedEventDetails;
  /** Walks back from an event along previousEventId to the first one `match` accepts. */
  const back = (from, match) => {
    for (let e = byId.get(from); e; e = byId.get(e.previousEventId)) if (match(e)) return e;
    return undefined;
  };
  const runs = []; // one per state entered, in order
  const runOf = new Map(); // entered event id -> run
  for (const e of events) {
    if (!entered(e)) continue;
    // A state of a Map's item processor: its thread leads back to the iteration that ran it.
    const thread = back(e.previousEventId, (p) => p.mapIterationStartedEventDetails || /^(MapState(Started|Exited)|ExecutionStarted)$/.test(p.type));
    const item = thread?.mapIterationStartedEventDetails?.index;
    const run = { name: entered(e).name, type: e.type.replace('StateEntered', ''), input: entered(e).input, errors: [], attempts: 0, item };
    runs.push(run);
    runOf.set(e.id, run);
  }
  const enteredBefore = (e, name) => back(e.previousEventId, (p) => entered(p) && (name === undefined || entered(p).name === name));
  for (const e of events) {
    const failure = e.lambdaFunctionFailedEventDetails ?? e.lambdaFunctionTimedOutEventDetails ?? e.taskFailedEventDetails ?? e.taskTimedOutEventDetails;
    if (exited(e)) {
      const run = runOf.get(enteredBefore(e, exited(e).name)?.id);
      if (run) run.output = exited(e).output;
    } else if (failure) {
      const run = runOf.get(enteredBefore(e)?.id);
      if (run) run.errors.push(failure);
    } else if (e.type === 'LambdaFunctionScheduled' || e.type === 'TaskScheduled') {
      const run = runOf.get(enteredBefore(e)?.id);
      if (run) run.attempts += 1;
    }
  }
  const states = new Map();
  for (const run of runs) {
    const status = run.type === 'Fail' ? 'failed' : run.errors.length > 0 ? (run.output === undefined ? 'failed' : 'caught') : run.output === undefined ? 'running' : 'succeeded';
    run.status = status;
    // A state that ran several times (a loop, Map items) shows its worst run.
    const rank = { failed: 3, caught: 2, running: 1, succeeded: 0 };
    if (!states.has(run.name) || rank[status] > rank[states.get(run.name)]) states.set(run.name, status);
  }
  const edges = new Set();
  const failedEdges = new Set();
  for (const e of events) {
    if (entered(e)) {
      const from = back(e.previousEventId, (p) => exited(p) || p.mapIterationStartedEventDetails || p.type === 'ExecutionStarted');
      const source = !from || from.type === 'ExecutionStarted' ? START : exited(from)?.name ?? from.mapIterationStartedEventDetails.name;
      edges.add(`${source}->${entered(e).name}`);
    }
    if (/^Execution(Succeeded|Failed|TimedOut)$/.test(e.type)) {
      const last = back(e.previousEventId, (p) => exited(p) || entered(p));
      if (last) {
        const name = (exited(last) ?? entered(last)).name;
        edges.add(`${name}->${END}`);
        if (e.type !== 'ExecutionSucceeded') failedEdges.add(`${name}->${END}`);
      }
    }
  }
  const end = events.find((e) => /^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(e.type));
  if (end) states.set(END, end.type === 'ExecutionSucceeded' ? 'succeeded' : 'failed');
  states.set(START, 'succeeded');
  return { runs, states, edges, failedEdges };
}

// ---------------------------------------------------------------------------------------------
// Rendering

function renderMachines() {
  const counts = new Map();
  for (const e of view.executions) counts.set(e.stateMachineArn, (counts.get(e.stateMachineArn) ?? 0) + 1);
  $('machine-list').replaceChildren(
    ...view.machines.map((m) =>
      h('li', {},
        h('button', { type: 'button', 'data-machine': m.name, 'aria-pressed': String(m.stateMachineArn === view.machineArn), onclick: () => selectMachine(m.stateMachineArn) },
          m.name, h('span', { class: 'type' }, `${m.type} · ${counts.get(m.stateMachineArn) ?? 0} shown`),
        ),
      ),
    ),
  );
  const select = $('filter-machine');
  if (select.options.length === 1) {
    for (const m of view.machines) select.append(h('option', { value: m.stateMachineArn }, m.name));
  }
}

function renderExecutions() {
  $('execution-rows').replaceChildren(
    ...view.executions.map((e) =>
      h('tr', { 'data-execution-id': e.executionId, 'aria-selected': String(e.executionId === view.executionId), onclick: () => selectExecution(e.executionId) },
        h('td', { title: e.executionArn }, e.name),
        h('td', {}, machineName(e.stateMachineArn)),
        h('td', { class: `status ${e.status}` }, e.status),
        h('td', {}, e.startedAt.replace('T', ' ').replace('Z', '')),
        h('td', {}, duration(e)),
      ),
    ),
  );
}

function renderGraph() {
  const machine = view.machines.find((m) => m.stateMachineArn === view.machineArn);
  if (!machine) return;
  const execution = view.executions.find((e) => e.executionId === view.executionId);
  const marks = execution && execution.stateMachineArn === machine.stateMachineArn && view.history ? pathOfHistory(view.history) : undefined;
  $('graph-title').textContent = execution ? `${machine.name} · execution ${execution.name}` : machine.name;
  $('graph-note').textContent =
    machine.type === 'EXPRESS'
      ? 'Express: AWS keeps no execution history for it (GetExecutionHistory refuses it); its console shows these events from the CloudWatch log (level ALL, execution data included). Here they come from the local record.'
      : `Standard · role ${machine.roleArn}`;
  drawGraph(machine.definition, marks);
  renderStateDetail(marks);
}

function renderStateDetail(marks) {
  const panel = $('state-detail');
  if (!view.stateName || !marks) {
    panel.hidden = true;
    return;
  }
  const runs = marks.runs.filter((r) => r.name === view.stateName);
  panel.hidden = false;
  panel.replaceChildren(
    h('h3', {}, `${view.stateName}: ${runs.length === 0 ? 'not run' : `${runs.length} run${runs.length > 1 ? 's' : ''}`}`),
    ...runs.map((run) => runDetails(run)),
  );
}

function runDetails(run) {
  return h('div', { class: `run ${run.status}`, 'data-run-of': run.name },
    run.attempts > 1 ? h('p', {}, `${run.attempts} attempts`) : undefined,
    h('div', {}, 'Input'), h('pre', { class: 'input' }, pretty(run.input)),
    run.output === undefined ? undefined : [h('div', {}, 'Output'), h('pre', { class: 'output' }, pretty(run.output))],
    ...run.errors.map((error, attempt) =>
      h('div', { class: 'error' }, `Error${run.errors.length > 1 ? ` (attempt ${attempt + 1})` : ''}: ${error.error}`, h('pre', { class: 'cause' }, pretty(error.cause))),
    ),
  );
}

function renderExecution() {
  const execution = view.executions.find((e) => e.executionId === view.executionId) ?? view.detail;
  const section = $('execution');
  if (!execution || !view.history) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  $('execution-title').replaceChildren(`Execution ${execution.name} `, h('span', { class: `status ${execution.status}`, id: 'execution-status' }, execution.status));
  const end = view.history.find((e) => e.executionFailedEventDetails ?? e.executionTimedOutEventDetails ?? e.executionAbortedEventDetails);
  const failure = end && (end.executionFailedEventDetails ?? end.executionTimedOutEventDetails ?? end.executionAbortedEventDetails);
  $('execution-facts').replaceChildren(
    h('dt', {}, 'ARN'), h('dd', {}, execution.executionArn),
    h('dt', {}, 'State machine'), h('dd', {}, machineName(execution.stateMachineArn)),
    h('dt', {}, 'Started'), h('dd', {}, execution.startedAt),
    h('dt', {}, 'Duration'), h('dd', {}, duration(execution)),
    ...(failure?.error ? [h('dt', {}, 'Error'), h('dd', { class: 'error', id: 'execution-error' }, failure.error)] : []),
    ...(failure?.cause ? [h('dt', {}, 'Cause'), h('dd', {}, h('pre', { id: 'execution-cause' }, pretty(failure.cause)))] : []),
  );
  const { runs } = pathOfHistory(view.history);
  $('steps').replaceChildren(
    ...runs.map((run) =>
      h('li', { class: run.status, 'data-step': run.name },
        h('details', { open: run.status === 'failed' || run.status === 'caught' ? true : undefined },
          h('summary', {}, `${run.name} (${run.type})${run.item === undefined ? '' : ` · item ${run.item}`} · ${run.status}${run.errors.length ? ` · ${run.errors.at(-1).error}` : ''}`),
          runDetails(run),
        ),
      ),
    ),
  );
}

function render() {
  renderMachines();
  renderExecutions();
  renderGraph();
  renderExecution();
}

// ---------------------------------------------------------------------------------------------
// Selection and refresh

function selectMachine(arn) {
  view.machineArn = arn;
  view.executionId = undefined;
  view.history = undefined;
  view.stateName = undefined;
  location.hash = `machine=${encodeURIComponent(machineName(arn))}`;
  render();
}

async function selectExecution(id) {
  view.executionId = id;
  view.history = undefined;
  view.stateName = undefined;
  location.hash = `execution=${encodeURIComponent(id)}`;
  await loadSelectedExecution();
  render();
}

function selectState(name) {
  view.stateName = view.stateName === name ? undefined : name;
  renderGraph();
}

/** Reads the selected execution's history again while it runs, or when its status changed. */
async function loadSelectedExecution() {
  if (!view.executionId) return;
  let execution = view.executions.find((e) => e.executionId === view.executionId);
  if (!execution) {
    // Not in the filtered list: read it on its own.
    execution = view.detail = await getJson(`/_local/executions/${encodeURIComponent(view.executionId)}`).catch(() => undefined);
    if (!execution) return;
  }
  view.machineArn = execution.stateMachineArn;
  if (view.history && view.historyStatus === execution.status && execution.status !== 'RUNNING') return;
  view.history = (await getJson(`/_local/executions/${encodeURIComponent(view.executionId)}/history`)).items;
  view.historyStatus = execution.status;
}

let refreshing = false;
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    const query = new URLSearchParams({ limit: '200' });
    if ($('filter-status').value) query.set('status', $('filter-status').value);
    if ($('filter-machine').value) query.set('stateMachineArn', $('filter-machine').value);
    view.executions = (await getJson(`/_local/executions?${query}`)).items;
    await loadSelectedExecution();
    render();
    $('refreshed').textContent = `updated ${new Date().toLocaleTimeString()} · every ${REFRESH_MS / 1000} s`;
  } catch (error) {
    $('refreshed').textContent = `could not refresh: ${error.message}`;
  } finally {
    refreshing = false;
  }
}

async function start() {
  view.machines = (await getJson('/_local/state-machines')).items;
  const hash = new URLSearchParams(location.hash.slice(1));
  view.executionId = hash.get('execution') ?? undefined;
  const named = view.machines.find((m) => m.name === hash.get('machine'));
  view.machineArn = named?.stateMachineArn ?? view.machines[0]?.stateMachineArn;
  $('filter-status').addEventListener('change', refresh);
  $('filter-machine').addEventListener('change', refresh);
  await refresh();
  setInterval(refresh, REFRESH_MS);
}

start().catch((error) => {
  $('refreshed').textContent = `the console could not start: ${error.message}`;
});
