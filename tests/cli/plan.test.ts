/**
 * `deno task plan`: the smallest number of groups for power 0.8 of the F
 * test in the balanced one-way design (5 rows per group, ICC 0.2). The
 * exact answer is 24 groups (power 0.8039; 0.7897 at 23), from the F
 * distribution in tests/fixtures/test_sizes/sizes.json
 * ("smallest_a_for_power_0.8"); the search must land within one step.
 */
import assert from "node:assert";
import { join } from "node:path";
import { assertOneLineError, runCli } from "./_run_cli.ts";
import { tempDir } from "../_temp_dir.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/test_sizes/sizes.json", import.meta.url)),
);
const plan = (...args: string[]) =>
  runCli("plan", ["--allow-read", "--allow-write", "--allow-run"], args);
const STUDY = "tests/fixtures/studies/plan_one_way.ts";

Deno.test("plan finds the smallest number of groups for power 0.8 within one step of the exact answer", async () => {
  const answer = fixture["smallest_a_for_power_0.8"].main.find((
    r: { n: number; icc: number; test: string },
  ) => r.n === 5 && r.icc === 0.2 && r.test === "f").smallest_a;
  assert.equal(answer, 24);
  const out = await tempDir();
  try {
    const args = [
      STUDY,
      "--vary",
      "groups",
      "--values",
      "2:60",
      "--target",
      "rejection>=0.8",
      "--out",
      out,
    ];
    const first = await plan(...args);
    assert.equal(first.code, 0, first.stderr);
    const found = Number(
      /smallest groups meeting rejection>=0\.8 \(icc=0\.2\): (\d+)/.exec(first.stdout)?.[1],
    );
    assert.ok(Math.abs(found - answer) <= 1, `found ${found}, exact ${answer}\n${first.stderr}`);
    assert.match(first.stderr, /groups=60: rejection 1\.0000/);
    const record = JSON.parse(await Deno.readTextFile(join(out, "plan.json")));
    assert.equal(record.value, found);
    assert.ok(record.confirmation.reps >= 6400);
    // Each value looked at is a study store of its own, so a rerun resumes: same steps, same answer.
    const again = await plan(...args);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.replace(/in [\d.]+ s/, ""), first.stdout.replace(/in [\d.]+ s/, ""));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("plan: bad inputs are one-line errors with status 1", async () => {
  const base = [STUDY, "--vary", "groups", "--values", "2:60", "--target", "rejection>=0.8"];
  const cases: [string[], RegExp][] = [
    [[STUDY, "--vary", "group", "--values", "2:6", "--target", "rejection>=0.8"], /not a factor/],
    [[...base.slice(0, 5), "--target", "power>0.8"], /--target must read/],
    [[...base.slice(0, 5), "--target", "power>=0.8"], /not one a plan can aim at/],
    [[STUDY, "--vary", "groups", "--values", "9:3", "--target", "rejection>=0.8"], /lo <= hi/],
    [[...base, "--at", "ic=0.2"], /--at ic=0.2: expected factor=value/],
    [[...base, "--test", "lrt"], /--test lrt: the results for rejection have f/],
    [
      ["one-way", "--vary", "groups", "--values", "2:6", "--target", "rejection>=0.8"],
      /factor icc has 3 values/,
    ],
  ];
  for (const [args, message] of cases) {
    const out = await tempDir();
    try {
      assertOneLineError(await plan(...args, "--out", out), message, args.join(" "));
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  }
});
