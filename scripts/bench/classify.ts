import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createClassificationEngine,
  ENGINE_VERSION,
} from '../../core/classification/classification-engine.js';
import type { ColumnInput } from '../../core/classification/column-decision.js';
import {
  DATAHUB_LABELS,
  loadDatahub,
  loadTrl,
  TRL_LABELS,
  type BenchSet,
} from './classify-datasets.js';
import {
  labelFor,
  mistakes,
  perLabelScores,
  sensitivityScores,
  typeAccuracy,
  worstConfusions,
  type BinaryScores,
  type ColumnOutcome,
  type LabelMapping,
} from './classify-metrics.js';

// `npm run bench:classify [-- --data DIR --values N --json FILE --verbose --rounds N]`:
// measures the rules engine on the two public labelled sets (read-only; nothing is tuned to
// them) and its throughput at 100 values per column, beside the goals. It measures, so it
// exits 0 whatever the figures; only a missing data folder or a bad flag exits 2.
const root = fileURLToPath(new URL('../..', import.meta.url));
const log = (line = '') => process.stdout.write(`${line}\n`);
const fail = (message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};

function readOptions() {
  try {
    return parseArgs({
      options: {
        data: {
          type: 'string',
          default: join(root, '..', 'shared', 'benchmarks', 'classification'),
        },
        values: { type: 'string', default: '100' },
        json: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        rounds: { type: 'string', default: '5' },
        seconds: { type: 'string', default: '3' },
      },
    }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
}
const options = readOptions();
const dataDir = resolve(root, options.data);
const valuesPerColumn = Number(options.values);
const rounds = Number(options.rounds);
const minSeconds = Number(options.seconds);
if (!Number.isInteger(valuesPerColumn) || valuesPerColumn < 1)
  fail('--values must be a positive integer');
if (!Number.isInteger(rounds) || rounds < 0)
  fail('--rounds must be a whole number (0 skips throughput)');
if (!(minSeconds > 0)) fail('--seconds must be positive');
if (!existsSync(dataDir))
  fail(`classification benchmark data not found: ${dataDir} (pass --data DIR)`);

const GOALS = { precision: 0.97, recall: 0.97, trlF1: 0.9, columnsPerSecond: 2000 };
const THROUGHPUT_VALUES = 100;
const engine = createClassificationEngine();
const catalogueIds = new Set(engine.infoTypes.map((type) => type.id));
const fmt = (value: number | null, digits = 3) => (value === null ? '—' : value.toFixed(digits));
const mark = (value: number | null, goal: number) =>
  value !== null && value >= goal ? 'met' : 'NOT met';
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const pad = (text: string | number, width: number) => String(text).padEnd(width);
const padLeft = (text: string | number, width: number) => String(text).padStart(width);

/** Classifies every column of a set and scores the outcomes against its labels. */
function evaluate(set: BenchSet, mapping: LabelMapping) {
  const outcomes: ColumnOutcome[] = set.columns.map(({ table, column, truth }) => {
    const decision = engine.classify({
      ...column,
      values: column.values.slice(0, valuesPerColumn),
    });
    return {
      table,
      column: column.name,
      truth,
      said: decision.infoType,
      predicted: labelFor(mapping, decision.infoType, truth),
      sensitive: decision.sensitive,
      confidence: decision.confidence,
    };
  });
  const unknownIds = [...new Set(Object.values(mapping).flat())].filter(
    (id) => !catalogueIds.has(id),
  );
  const notes = [...set.notes];
  if (unknownIds.length)
    notes.push(`label mapping names ids the catalogue lacks: ${unknownIds.join(', ')}`);
  return {
    tables: set.tables,
    columns: outcomes.length,
    labelled: outcomes.filter((o) => o.truth !== null).length,
    ...sensitivityScores(outcomes),
    typeAccuracy: typeAccuracy(outcomes),
    perLabel: perLabelScores(outcomes),
    worst: worstConfusions(outcomes, 5),
    mistakes: {
      inScope: mistakes(outcomes, 'inScope'),
      anySensitive: mistakes(outcomes, 'anySensitive'),
    },
    notes,
  };
}
type Evaluation = ReturnType<typeof evaluate>;

function printSet(
  name: string,
  result: Evaluation,
  goals: { inScope: string; anySensitive: string; reference?: string },
) {
  log(`${name}: ${result.tables} tables, ${result.columns} columns, ${result.labelled} labelled`);
  for (const note of result.notes) log(`  note: ${note}`);
  log(
    `  ${pad('sensitive?', 24)}${pad('precision', 11)}${pad('recall', 9)}${pad('F1', 8)}tp/fp/fn/tn      goal`,
  );
  const row = (label: string, scores: BinaryScores, goal: string) =>
    log(
      `  ${pad(label, 24)}${pad(fmt(scores.precision), 11)}${pad(fmt(scores.recall), 9)}${pad(fmt(scores.f1), 8)}` +
        `${pad(`${scores.tp}/${scores.fp}/${scores.fn}/${scores.tn}`, 17)}${goal}`,
    );
  row("in the set's scope", result.inScope, goals.inScope);
  row('any sensitive type', result.anySensitive, goals.anySensitive);
  if (goals.reference) log(`  ${goals.reference}`);
  const { correct, total, accuracy } = result.typeAccuracy;
  log(`  type accuracy on labelled columns: ${fmt(accuracy)} (${correct}/${total})`);
  log(
    `  ${pad('label', 31)}${padLeft('n', 4)}${padLeft('tp', 5)}${padLeft('fp', 5)}${padLeft('fn', 5)}   P      R      F1`,
  );
  for (const s of result.perLabel) {
    log(
      `  ${pad(s.label, 31)}${padLeft(s.support, 4)}${padLeft(s.tp, 5)}${padLeft(s.fp, 5)}${padLeft(s.fn, 5)}` +
        `   ${pad(fmt(s.precision, 2), 7)}${pad(fmt(s.recall, 2), 7)}${fmt(s.f1, 2)}`,
    );
  }
  const counts = (items: { value: string; count: number }[]) =>
    items.map(({ value, count }) => `${value} ×${count}`).join(', ') || '—';
  if (result.worst.length)
    log('  worst labels (missed: what we said on its columns; false alarms: what the set said):');
  for (const w of result.worst) {
    log(
      `    ${w.label} (F1 ${fmt(w.f1, 2)}): missed ${counts(w.missed)}; false alarms ${counts(w.falseAlarms)}`,
    );
  }
  if (!options.verbose) return;
  const line = (kind: string, o: ColumnOutcome) =>
    log(
      `    ${pad(kind, 11)}${o.table}.${o.column}  truth ${o.truth ?? 'none'}, said ${o.said ?? 'none'}` +
        `${o.sensitive ? ' (sensitive)' : ''}, confidence ${fmt(o.confidence, 2)}`,
    );
  for (const view of ['inScope', 'anySensitive'] as const) {
    const { falsePositives, falseNegatives, wrongType } = result.mistakes[view];
    log(`  mistakes, ${view === 'inScope' ? "in the set's scope" : 'any sensitive type'}:`);
    for (const o of falsePositives) line('false +', o);
    for (const o of falseNegatives) line('false -', o);
    for (const o of wrongType) line('wrong type', o);
  }
}

/** Columns per second at exactly 100 values a column, the median of `rounds` timed rounds. */
function throughput(columns: ColumnInput[]) {
  const workload = columns
    .filter((column) => column.values.length > 0)
    .map((column) => ({
      name: column.name,
      values: Array.from(
        { length: THROUGHPUT_VALUES },
        (_, i) => column.values[i % column.values.length]!,
      ),
    }));
  const warmUntil = performance.now() + 1000;
  for (let i = 0; performance.now() < warmUntil || i < workload.length; i++)
    engine.classify(workload[i % workload.length]!);
  const perRound: number[] = [];
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const began = performance.now();
    let count = 0;
    while (count < 2000 || performance.now() - began < minSeconds * 1000) {
      const start = performance.now();
      engine.classify(workload[count % workload.length]!);
      times.push(performance.now() - start);
      count++;
    }
    perRound.push(count / ((performance.now() - began) / 1000));
  }
  const byTime = [...times].sort((a, b) => a - b);
  const quantile = (q: number) =>
    byTime[Math.min(byTime.length - 1, Math.floor(q * byTime.length))]!;
  return {
    workloadColumns: workload.length,
    valuesPerColumn: THROUGHPUT_VALUES,
    rounds: perRound.map((value) => Math.round(value)),
    columnsPerSecond: Math.round(median(perRound)),
    p50Ms: quantile(0.5),
    p99Ms: quantile(0.99),
  };
}

log(
  `classification benchmark: engine ${ENGINE_VERSION}, node ${process.version}, load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
log(`data ${dataDir}, first ${valuesPerColumn} non-empty values per column, data type unknown`);
log();
const datahubSet = await loadDatahub(
  join(dataDir, 'datahub-classify'),
  Math.max(valuesPerColumn, THROUGHPUT_VALUES),
);
const trlSet = loadTrl(join(dataDir, 'trl-train'));
const datahub = datahubSet && evaluate(datahubSet, DATAHUB_LABELS);
if (datahub) {
  const { precision, recall } = datahub.inScope;
  printSet('datahub-classify', datahub, {
    inScope: `P ≥ ${GOALS.precision} ${mark(precision, GOALS.precision)}, R ≥ ${GOALS.recall} ${mark(recall, GOALS.recall)}`,
    anySensitive: '(for information)',
    // The set's README gives the library's own figures at its 0.6 threshold.
    reference: 'published baseline of datahub-classify: precision 0.95-0.97, recall 0.96-0.97',
  });
} else log('datahub-classify: not found, skipped');
log();
const trl = trlSet && evaluate(trlSet, TRL_LABELS);
if (trl) {
  printSet('trl-train', trl, {
    inScope: '(for information)',
    anySensitive: `F1 ≥ ${GOALS.trlF1} ${mark(trl.anySensitive.f1, GOALS.trlF1)}`,
  });
} else log('trl-train: not found, skipped');
log();
const workloadSource = datahubSet ?? trlSet;
const speed =
  rounds > 0 && workloadSource ? throughput(workloadSource.columns.map((c) => c.column)) : null;
if (speed) {
  log(
    `throughput: ${speed.columnsPerSecond} columns/s (median of ${rounds} rounds: ${speed.rounds.join(', ')}), ` +
      `${speed.valuesPerColumn} values a column, one thread; per column p50 ${fmt(speed.p50Ms)} ms, p99 ${fmt(speed.p99Ms)} ms` +
      ` — goal ≥ ${GOALS.columnsPerSecond} columns/s ${mark(speed.columnsPerSecond, GOALS.columnsPerSecond)}`,
  );
  log(
    `  workload: ${speed.workloadColumns} ${workloadSource!.name} columns cycled to ${speed.valuesPerColumn} values`,
  );
}

if (options.json) {
  const report = {
    engineVersion: ENGINE_VERSION,
    node: process.version,
    data: dataDir,
    valuesPerColumn,
    goals: GOALS,
    datahub,
    trl,
    throughput: speed,
  };
  writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  log(`figures written to ${options.json}`);
}
