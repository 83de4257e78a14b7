import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createClassificationEngine } from '../core/classification/classification-engine.js';
import type {
  ColumnDecision,
  ColumnInput,
  Evidence,
} from '../core/classification/column-decision.js';
import { parseClassifyInput } from './classify-input.js';

// `npm run -s classify -- FILE|- [--proposals]`: classifies the columns of a JSON document
// with the rules engine and prints one decision per column as JSON. With LLM_API_KEY set,
// columns the rules find ambiguous go to the configured LLM adjudicator (Redis holds its
// cache and budget), as in a scan. Bad input is one line on stderr and exit code 2 with
// nothing on stdout, so a pipeline can tell it from a result.
const usage = 'usage: npm run -s classify -- FILE|- [--proposals]  (FILE - reads stdin)';

function fail(message: string): never {
  process.stderr.write(`${message.replace(/\s+/g, ' ').trim()}\n`);
  process.exit(2);
}

let file: string;
let withProposals: boolean;
try {
  const { values, positionals } = parseArgs({
    options: { proposals: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) fail(usage);
  file = positionals[0]!;
  withProposals = values.proposals;
} catch (error) {
  fail(`${(error as Error).message} — ${usage}`);
}

let text: string;
try {
  text = readFileSync(file === '-' ? 0 : file, 'utf8');
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  fail(
    code === 'ENOENT'
      ? `cannot read ${file}: no such file`
      : `cannot read ${file === '-' ? 'stdin' : file}: ${(error as Error).message}`,
  );
}

const parsed = parseClassifyInput(text);
if ('error' in parsed) fail(parsed.error);

interface ColumnOutput {
  infoType: string | null;
  sensitive: boolean;
  confidence: number;
  evidence: Evidence[];
  proposals?: { infoType: string; confidence: number }[];
}

/** The evidence behind the decision: the accepted proposal's, else the best rejected one's. */
function outputOf(decision: ColumnDecision): ColumnOutput {
  const shown =
    decision.proposals.find((proposal) => proposal.infoType === decision.infoType) ??
    decision.proposals[0];
  const output: ColumnOutput = {
    infoType: decision.infoType,
    sensitive: decision.sensitive,
    confidence: decision.confidence,
    evidence: shown?.evidence ?? [],
  };
  if (withProposals) {
    output.proposals = decision.proposals.map(({ infoType, confidence }) => ({
      infoType,
      confidence,
    }));
  }
  return output;
}

const engine = createClassificationEngine();
const tables = parsed.tables.map((table) => ({
  name: table.name,
  columns: table.columns.map((input) => ({ input, decision: engine.classify(input) })),
}));
if (process.env.LLM_API_KEY) await adjudicate(tables.flatMap((table) => table.columns));

// Object.fromEntries defines own properties, so a table named `__proto__` stays a table.
const result = Object.fromEntries(
  tables.map((table) => [
    table.name,
    Object.fromEntries(
      table.columns.map(({ input, decision }) => [input.name, outputOf(decision)]),
    ),
  ]),
);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

/**
 * Puts the ambiguous columns to the configured LLM, one run = one budget. The adjudicator's
 * modules load only here: rules-only runs stay quick to start. A column it skips (budget,
 * error, time-out, Redis away) keeps its rule-based decision; one line on stderr says so.
 */
async function adjudicate(
  pending: { input: ColumnInput; decision: ColumnDecision }[],
): Promise<void> {
  const [{ loadConfig }, { createRedis }, llm, { adjudicateColumns }] = await Promise.all([
    import('../config/load-config.js'),
    import('../infra/redis.js'),
    import('../infra/llm-adjudicator.js'),
    import('../infra/adjudicate-columns.js'),
  ]);
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    fail(`LLM_API_KEY is set but the configuration is not usable: ${(error as Error).message}`);
  }
  const redis = createRedis(config.redis.url);
  try {
    const adjudicator = llm.adjudicatorFromConfig(config, redis, engine.infoTypes);
    if (!adjudicator) return;
    const { decisions, skipped } = await adjudicateColumns({
      adjudicator,
      engine,
      budgetKey: `classify-cli:${randomUUID()}`,
      columns: pending,
      sendRawValues: config.llm.sendRawValues,
    });
    decisions.forEach((decision, index) => (pending[index]!.decision = decision));
    if (skipped.size) {
      const why = [...skipped]
        .map(([reason, { count, message }]) => `${count} for ${reason} (${message})`)
        .join('; ');
      process.stderr.write(
        `${`LLM adjudication skipped columns, which keep the rules' decision: ${why}`.replace(/\s+/g, ' ')}\n`,
      );
    }
  } finally {
    redis.disconnect();
  }
}
