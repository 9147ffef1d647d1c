// A generated data set written with writeCsv reads back to the same doubles
// and labels (the full-precision contract `deno task generate` relies on).
import assert from "node:assert";
import { nested } from "../../lib/generate/nested.ts";
import { crossed } from "../../lib/generate/crossed.ts";
import { deriveStream } from "../../lib/rng/derive_stream.ts";
import { writeCsv } from "../../lib/data/csv_write.ts";
import type { Dataset } from "../../lib/data/dataset.ts";

function roundTrip(data: Dataset) {
  const lines = writeCsv(data).trimEnd().split("\n");
  const names = [...data.columns.keys()];
  assert.equal(lines[0], names.join(","));
  assert.equal(lines.length, data.nrow + 1);
  for (let i = 0; i < data.nrow; i++) {
    const fields = lines[i + 1].split(",");
    names.forEach((name, k) => {
      const c = data.columns.get(name)!;
      if (c.kind === "numeric") {
        assert.ok(Object.is(parseFloat(fields[k]), c.values[i]), `${name}[${i}]`);
      } else {
        assert.equal(fields[k], c.levels[c.codes[i]]);
        assert.equal(Number(fields[k]), c.codes[i]);
      }
    });
  }
}

Deno.test("nested data with a covariate survives the CSV round trip exactly", () => {
  roundTrip(nested(deriveStream(1, ["csv", "nested"]), {
    nGroup1: 30,
    errorDist: { kind: "skewed", df: 2 },
    covariates: [{ name: "x", slope: 0.3 }],
  }));
});

Deno.test("crossed data survives the CSV round trip exactly", () => {
  roundTrip(crossed(deriveStream(1, ["csv", "crossed"]), { nGroup1: 20, nGroup2: 30 }));
});
