// Hostile study code, one fixture per way it can misbehave: every run must
// finish, store exactly the culprit as failed (with its replay key), and
// every other replicate exactly as a clean run of the tiny study stores it.
import assert from "node:assert";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runStudy } from "../../lib/study/runner.ts";
import { canonicalReplicate, openStore, storeDigest } from "../../lib/store/mod.ts";
import type { ReplicateRecord } from "../../lib/store/records.ts";
import { reference, storeIn, studyUrl, tempDir } from "./_tiny.ts";

function records(path: string): ReplicateRecord[] {
  const store = openStore(path, { readOnly: true });
  try {
    return [...store.iterateReplicates()];
  } finally {
    store.close();
  }
}

/** What a hostile fixture must leave: the failed replicate and its message. */
interface Expected {
  readonly culprit: string;
  readonly message: RegExp;
}

async function checkFault(name: string, expected: Expected): Promise<string> {
  const ref = new Map(
    records(storeIn((await reference("tiny")).dir)).map((r) => [`${r.condition}:${r.rep}`, r]),
  );
  const dir = await tempDir();
  const run = await runStudy(studyUrl(name), { outDir: dir, workers: 2 });
  const stored = records(storeIn(dir));
  const failures = stored.filter((r) => r.status !== "ok").map((r) => `${r.rep}: ${r.message}`);
  assert.deepEqual([run.interrupted, run.done, run.failed], [false, 24, 1], failures.join("; "));
  assert.equal(stored.length, 24);
  for (const r of stored) {
    const id = `${r.condition}:${r.rep}`;
    if (id === expected.culprit) {
      assert.equal(r.status, "error", `${name} ${id}`);
      assert.match(r.message ?? "", expected.message);
      assert.ok(r.message?.endsWith(`(replay key '${id}')`), r.message ?? "");
      assert.deepEqual(r.fits, []);
    } else {
      assert.equal(canonicalReplicate(r), canonicalReplicate(ref.get(id)!), `${name} ${id}`);
    }
  }
  return await storeDigest(storeIn(dir));
}

const FAULTS: Record<string, Expected> = {
  tiny_hang: { culprit: "n_group1=4:4", message: /^timed out after 3 s/ },
  tiny_heap: {
    culprit: "n_group1=6:9",
    message: /^worker died: out of memory \(the worker's JavaScript heap limit is 128 MiB\)/,
  },
  tiny_buffers: {
    culprit: "n_group1=4:2",
    message: /^worker died: out of memory \(the worker passed 256 MiB\)/,
  },
  tiny_throw: { culprit: "n_group1=6:5", message: /^planned failure of replicate 5/ },
  tiny_async_throw: {
    culprit: "n_group1=6:1",
    message: /^uncaught error in study code: thrown from a timer/,
  },
  tiny_reject: {
    culprit: "n_group1=6:2",
    message: /^unhandled rejection in study code: stray rejection/,
  },
  tiny_exit: { culprit: "n_group1=6:7", message: /^worker died: Deno\.exit in study code/ },
  tiny_close: { culprit: "n_group1=4:3", message: /^worker died: close\(\) in study code/ },
};

for (const [name, expected] of Object.entries(FAULTS)) {
  Deno.test(`hostile study ${name}: only ${expected.culprit} fails`, async () => {
    await checkFault(name, expected);
  });
}

Deno.test("a timer left pending by a replicate is cancelled, not blamed on another", async () => {
  const dir = await tempDir();
  const run = await runStudy(studyUrl("tiny_late_timer"), { outDir: dir, workers: 2 });
  const mine = records(storeIn(dir));
  // The timer is cancelled when its replicate ends. On a loaded machine that replicate can
  // outlast the timer's 50 ms: it then fires in the replicate's own turn and fails that
  // replicate alone. Either way no other replicate may fail.
  const failed = mine.filter((r) => r.status !== "ok");
  for (const r of failed) {
    assert.equal(`${r.condition}:${r.rep}`, "n_group1=4:0", `${r.condition}:${r.rep} ${r.message}`);
    assert.match(r.message ?? "", /a late timer/);
  }
  assert.equal(run.failed, failed.length);
  const clean = await reference("tiny");
  // The late-timer study differs only in its source, so compare records, not digests.
  const ok = (r: ReplicateRecord) =>
    !failed.some((f) => f.condition === r.condition && f.rep === r.rep);
  assert.deepEqual(
    mine.filter(ok).map(canonicalReplicate),
    records(storeIn(clean.dir)).filter(ok).map(canonicalReplicate),
  );
});

Deno.test("non-finite estimates fail their fits, not the run", async () => {
  const dir = await tempDir();
  const run = await runStudy(studyUrl("tiny_scaled"), { outDir: dir, workers: 2 });
  assert.deepEqual([run.interrupted, run.done], [false, 24]);
  const failedFits = records(storeIn(dir)).flatMap((r) =>
    r.fits.filter((f) => f.status === "error").map((f) => `${r.condition}:${r.rep} ${f.method}`)
  );
  // Every failed fit is one of the two scaled replicates; the 1e153 one yields a NaN somewhere.
  assert.ok(failedFits.length > 0);
  for (const f of failedFits) assert.match(f, /^n_group1=6:(3|8) /);
  const nan = records(storeIn(dir)).find((r) => r.condition === "n_group1=6" && r.rep === 3)!;
  assert.ok(nan.fits.some((f) => /^non-finite result: /.test(f.message ?? "")));
});

Deno.test("the unhandled-rejection study gives one store digest in 20 runs", async () => {
  const digests = new Set<string>();
  for (let k = 0; k < 20; k++) {
    digests.add(await checkFault("tiny_reject", FAULTS.tiny_reject));
  }
  assert.equal(digests.size, 1);
});

Deno.test("a method past the time limit fails only its own fit of that replicate", async () => {
  const ref = new Map(
    records(storeIn((await reference("tiny")).dir)).map((r) => [`${r.condition}:${r.rep}`, r]),
  );
  const dir = await tempDir();
  const run = await runStudy(studyUrl("tiny_slow_method"), { outDir: dir, workers: 2 });
  assert.deepEqual([run.interrupted, run.done, run.failed], [false, 24, 1]);
  for (const r of records(storeIn(dir))) {
    const id = `${r.condition}:${r.rep}`;
    const clean = ref.get(id)!;
    assert.equal(r.status, "ok", id);
    const stuck = r.fits.find((f) => f.method === "stuck")!;
    if (id === "n_group1=4:4") {
      assert.deepEqual([stuck.status, stuck.message], ["error", "timed out after 3 s"]);
    } else assert.equal(stuck.status, "ok", id);
    for (const m of ["REML", "ANOVA"]) {
      const mine = r.fits.find((f) => f.method === m)!,
        theirs = clean.fits.find((f) => f.method === m)!;
      assert.equal(
        canonicalReplicate({ ...r, fits: [mine] }),
        canonicalReplicate({ ...clean, fits: [theirs] }),
        `${id} ${m}`,
      );
    }
  }
});

/**
 * A study module, written into `dir`, whose method tries to write the store
 * the run writes (at a path it knows, as a study could know its default
 * results folder): by a plain file open and through SQLite.
 */
function storeWritingStudy(dir: string): string {
  const path = join(dir, "store_writer.ts");
  const store = storeIn(dir);
  Deno.writeTextFileSync(
    path,
    `import { defineStudy } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
import { DatabaseSync } from "node:sqlite";
import { TINY } from ${
      JSON.stringify(new URL("../fixtures/studies/_tiny_base.ts", import.meta.url).href)
    };
const STORE = ${JSON.stringify(store)};
export default defineStudy({
  ...TINY,
  name: "store-writer",
  factors: { n_group1: [4] },
  reps: 3,
  methods: ["reml", {
    name: "file",
    fit: (_frame, context) => {
      Deno.openSync(STORE, { write: true }).close();
      return context.fitBuiltIn("reml");
    },
  }, {
    name: "sqlite",
    fit: (_frame, context) => {
      new DatabaseSync(STORE).exec("DELETE FROM replicates");
      return context.fitBuiltIn("reml");
    },
  }],
});
`,
  );
  return pathToFileURL(path).href;
}

Deno.test("study code cannot write the store its worker writes", async () => {
  const dir = await tempDir();
  const run = await runStudy(storeWritingStudy(dir), { outDir: dir, workers: 1 });
  // Every replicate has the two refused fits.
  assert.deepEqual([run.interrupted, run.done, run.failed], [false, 3, 3]);
  const stored = records(storeIn(dir));
  assert.deepEqual(stored.map((r) => r.rep), [0, 1, 2]);
  const denied = `Requires write access to "${storeIn(dir)}"`;
  for (const r of stored) {
    const fit = (method: string) => r.fits.find((f) => f.method === method)!;
    assert.equal(fit("REML").status, "ok");
    for (const method of ["file", "sqlite"]) {
      const message = fit(method).message ?? "";
      assert.ok(message.startsWith(denied), `rep ${r.rep} ${method}: ${message}`);
    }
  }
});
