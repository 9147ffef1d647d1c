/**
 * The text of the starter study `deno task new-study` writes: a commented
 * nested-design study that imports vcsim by an absolute URL, so it runs
 * and type-checks from any folder.
 *
 * @module
 */

/** What the starter study names and points at. */
export interface StarterStudyOptions {
  /** The study's name (a word: letters, digits, `_ . -`). */
  readonly name: string;
  /** The absolute URL of vcsim's `mod.ts`, imported by the study. */
  readonly modUrl: string;
  /** vcsim's folder, where `deno task study` runs and the README is. */
  readonly vcsimDir: string;
  /** The absolute path the study is written to. */
  readonly path: string;
}

/**
 * The study name a file name suggests: its base name without `.ts`, with
 * `_` and anything that is not a letter, digit, `.` or `-` turned into `-`
 * (`my_study.ts` gives `my-study`).
 */
export function _studyName(path: string): string {
  const base = path.split(/[\\/]/).pop()!.replace(/\.ts$/, "");
  const name = base.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "");
  return name === "" ? "my-study" : name;
}

/** The starter study's source text. */
export function _starterStudy(o: StarterStudyOptions): string {
  return `/**
 * ${o.name}: a vcsim simulation study (written by \`deno task new-study\`).
 *
 * Check it:  deno check ${o.path}
 * Run it, in ${o.vcsimDir}:
 *   deno task study ${o.path}
 * (results go to results/${o.name} there; --out DIR puts them elsewhere).
 *
 * Every field is described in vcsim's README (${o.vcsimDir}/README.md):
 * section "Writing a study"; the run's options (--reps, --seed, --workers,
 * --out, ...) and its results store in section "deno task study".
 *
 * @module
 */
import { defineStudy, nested } from ${JSON.stringify(o.modUrl)};

export default defineStudy({
  // Names the study in reports, and its default results folder.
  name: ${JSON.stringify(o.name)},
  // What the study is for (ADEMP), recorded in the results store.
  ademp: {
    aims: "Bias and coverage of REML and ANOVA estimates of nested variances.",
    data: "Nested normal data: 4 group2 levels per group1 level, 5 rows each.",
    estimands: "The group1, group1:group2 and residual variances.",
    methods: "REML and ANOVA fits, with Wald and profile-likelihood intervals.",
    performance: "Bias, empirical and model SE, coverage, with their MCSEs.",
  },
  // Design factors: the conditions are their full factorial (here 2 x 2).
  factors: { n_group1: [5, 20], group1_sd: [1, 2] },
  // One dataset for condition c, drawn from \`stream\` alone (so each
  // replicate can be reproduced): nGroup1 group1 levels, nGroup2 group2
  // levels in each, nRep rows per cell, and the SDs of the two random
  // effects and of the errors.
  generate: (c, stream) =>
    nested(stream, {
      nGroup1: Number(c.n_group1),
      nGroup2: 4,
      nRep: 5,
      group1Sd: Number(c.group1_sd),
      group2Sd: 3,
      unexplainedSd: 4,
    }),
  // True values, by the names the fit gives its parameters: bias and
  // coverage are computed against them.
  truth: (c) => ({
    group1: Number(c.group1_sd) ** 2,
    "group1:group2": 9,
    Residual: 16,
    "(Intercept)": 0,
  }),
  // The model fitted to every dataset, in lme4's syntax.
  formula: "y ~ 1 + (1|group1/group2)",
  // Estimation methods. Only vcsim's built-in methods are shown here.
  methods: ["reml", "anova"],
  // Interval methods (the README lists them all).
  intervals: ["wald", "profile"],
  // Replicates per condition. Editing this file makes a new design (its
  // text is hashed): pass --reps N to run more of the same one.
  reps: 200,
  // The seed of every replicate's random stream.
  seed: 1,
});
`;
}
