// The terminal table of the fixed store: 100 columns, MCSEs, coverage flags.
import assert from "node:assert";
import { performanceMeasures } from "../../lib/report/measures.ts";
import { coverageOff, terminalTable } from "../../lib/report/terminal_table.ts";
import type { MeasureRow } from "../../lib/report/measure_row.ts";
import { fixedStore } from "./_fixed_store.ts";

const store = fixedStore();
const rows = performanceMeasures(store);
store.close();

Deno.test("terminal table: within 100 columns, condition headers, bias with MCSE", () => {
  const text = terminalTable(rows);
  for (const line of text.split("\n")) assert.ok(line.length <= 100, `${line.length}: ${line}`);
  assert.match(text, /^a=1 {2}\(5 replicates\)$/m);
  assert.match(text, /^a=0 {2}\(2 replicates\)$/m);
  // REML group1 (measures.test.ts): failure 20%, non-convergence 20%, boundary 25%, bias
  // -0.25 (0.66); ANOVA group1 failure 40%, none non-converged; a=0 all non-converged.
  assert.match(text, /^ {2}method +parameter +fail% +nconv% +bound% +bias \(MCSE\) /m);
  assert.match(text, /^ {2}REML +group1 +20\.0 +20\.0 +25\.0 +-0\.25 \(0\.66\) /m);
  assert.match(text, /^ {2}ANOVA +group1 +40\.0 +0\.0 +33\.3 /m);
  assert.match(text, /^ {2}REML +group1 +0\.0 +100\.0 +0\.0 +0\.00 \(0\.10\) /m);
  // Coverage 20% (MCSE 17.9) is more than 2 MCSE from 95%: marked, with a legend.
  assert.match(text, /20\.0 \(17\.9\)\*/);
  assert.match(text, /^\*: coverage more than 2 MCSE from the nominal 95%$/m);
  assert.ok(!text.includes("\x1b["));
});

Deno.test("terminal table: colour replaces the marks; many intervals wrap within the width", () => {
  const colored = terminalTable(rows, { color: true });
  assert.ok(colored.includes("\x1b[1;31m20.0 (17.9)\x1b[0m"), colored);
  assert.ok(!/\(17\.9\)\*/.test(colored));
  const many: MeasureRow[] = [];
  for (let k = 0; k < 9; k++) {
    many.push({
      condition: "c",
      method: "REML",
      parameter: "group1:group2",
      interval: `interval-${k}`,
      measure: "coverage",
      value: 0.95,
      mcse: 0.007,
    });
  }
  const text = terminalTable(many, { width: 100 });
  const lines = text.split("\n");
  for (const line of lines) assert.ok(line.length <= 100, `${line.length}: ${line}`);
  assert.ok(lines.filter((l) => l.startsWith("  coverage %")).length >= 2);
  assert.ok(!text.includes("*"));
});

Deno.test("coverageOff: outside nominal +- 2 MCSE", () => {
  const row = (value: number, mcse: number): MeasureRow => ({
    condition: "c",
    method: "REML",
    parameter: "p",
    interval: "wald",
    measure: "coverage",
    value,
    mcse,
  });
  assert.equal(coverageOff(row(0.93, 0.01), 0.95), false); // exactly 2 MCSE away
  assert.equal(coverageOff(row(0.929, 0.01), 0.95), true);
  assert.equal(coverageOff(row(1, 0), 0.95), true);
});
