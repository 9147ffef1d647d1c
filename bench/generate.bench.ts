// Data generation for the notebook's designs (40,000 rows each).
// Run: deno bench --allow-read bench/generate.bench.ts
import { nested } from "../lib/generate/nested.ts";
import { crossed } from "../lib/generate/crossed.ts";
import { deriveStream } from "../lib/rng/derive_stream.ts";
import { NumpyRandomState } from "../lib/rng/numpy_random_state.ts";
import { writeCsv } from "../lib/data/csv_write.ts";
import { readCsv } from "../lib/data/csv_read.ts";

let sink = 0;
let rep = 0;

Deno.bench(
  "nested 200/20/10 (40,000 rows): seedrandom stream",
  { group: "nested", baseline: true },
  () => {
    sink += nested(deriveStream(3123, ["bench", rep++])).nrow;
  },
);
Deno.bench("nested 200/20/10 (40,000 rows): numpy stream", { group: "nested" }, () => {
  sink += nested(new NumpyRandomState(3123)).nrow;
});
Deno.bench("nested unbalanced, t errors, skewed effects", { group: "nested" }, () => {
  sink += nested(deriveStream(3123, ["bench", rep++]), {
    nGroup2Range: [10, 30],
    nRepRange: [5, 15],
    errorDist: { kind: "t", df: 5 },
    group1Dist: { kind: "skewed", df: 4 },
  }).nrow;
});

Deno.bench("crossed 100/100/4 permuted (40,000 rows): seedrandom stream", {
  group: "crossed",
  baseline: true,
}, () => {
  sink += crossed(deriveStream(3123, ["bench", rep++])).nrow;
});
Deno.bench("crossed 100/100/4 permuted (40,000 rows): numpy stream", { group: "crossed" }, () => {
  sink += crossed(new NumpyRandomState(3123)).nrow;
});
Deno.bench("crossed 100/100/4 balanced, 20% empty cells", { group: "crossed" }, () => {
  sink += crossed(deriveStream(3123, ["bench", rep++]), {
    layout: "balanced",
    emptyCellFraction: 0.2,
  }).nrow;
});

const data = nested(new NumpyRandomState(3123));
Deno.bench("writeCsv of the nested data (40,000 rows)", { group: "csv" }, () => {
  sink += writeCsv(data).length;
});

// What `deno task fit` reads: the text of the notebook's nested data.
const text = writeCsv(data);
Deno.bench("readCsv of the nested data (40,000 rows)", { group: "csv" }, () => {
  sink += readCsv(text).nrow;
});

globalThis.addEventListener("unload", () => {
  if (sink === 0.5) console.log(sink);
});
