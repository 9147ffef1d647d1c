// The HTML report in headless Chromium: it loads without errors or network, the DOM after
// load holds every chart as an SVG with drawn marks (power curves included, from the tests
// store) and a zip plot per condition x method x interval method, and a screenshot of every
// chart kind and of the page is taken without page errors (kept in VCSIM_SCREENSHOT_DIR when
// set, to look at). Skipped when /usr/bin/chromium is absent (install it with
// `apt-get install -y chromium`). No timing is asserted: Chromium may be slow on a loaded machine.
import assert from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { htmlFixture, htmlTestsFixture } from "./_html_store.ts";
import { tempDir } from "../_temp_dir.ts";

const CHROMIUM = "/usr/bin/chromium";
const absent = !existsSync(CHROMIUM);
if (absent) {
  console.warn(
    `html_browser.test.ts: skipped, ${CHROMIUM} is absent (apt-get install -y chromium)`,
  );
}

/** Runs headless Chromium on `url` with `args`; returns its stdout and stderr. */
async function chromium(
  url: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const profile = await tempDir({ prefix: "vcsim-chromium-" });
  try {
    const out = await new Deno.Command(CHROMIUM, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
        `--user-data-dir=${profile}`,
        ...args,
        url,
      ],
      stdout: "piped",
      stderr: "piped",
      // Generous: a loaded 2-core machine can take long to start Chromium.
      signal: AbortSignal.timeout(300_000),
    }).output();
    const text = new TextDecoder();
    return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** Console errors and failed loads Chromium logs for a page. */
function pageErrors(stderr: string): string[] {
  return stderr.split("\n").filter((line) =>
    /Uncaught|CONSOLE[(:]\d+|Failed to load resource|net::ERR_/.test(line)
  );
}

/** Loads the report `file` in Chromium and checks that its DOM holds every SVG of `html`, drawn. */
async function assertDrawn(file: string, html: string): Promise<string> {
  const url = new URL(`file://${file}`).href;
  const { code, stdout, stderr } = await chromium(url, ["--dump-dom"]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(pageErrors(stderr), []);
  const expected = (html.match(/<svg[\s>]/g) ?? []).length;
  const svgs = stdout.match(/<svg[\s>][\s\S]*?<\/svg>/g) ?? [];
  assert.ok(expected > 0);
  assert.equal(svgs.length, expected);
  for (const svg of svgs) {
    const marks = svg.match(/<path\b[^>]* d="M[^"]+"|<line\b[^>]* x2="[^"]+"/g) ?? [];
    assert.ok(marks.length > 0, svg.slice(0, 200));
  }
  return stdout;
}

Deno.test({
  name: absent
    ? `HTML report in headless Chromium (skipped: ${CHROMIUM} absent)`
    : "HTML report in headless Chromium: DOM holds the drawn charts, no page errors",
  ignore: absent,
  async fn() {
    const { file, html } = await htmlFixture();
    const dom = await assertDrawn(file, html);
    assert.match(dom, /<h1>vcsim study tiny_grid<\/h1>/);
  },
});

Deno.test({
  name: absent
    ? `HTML report with power curves in headless Chromium (skipped: ${CHROMIUM} absent)`
    : "HTML report with power curves in headless Chromium: the charts are drawn",
  ignore: absent,
  async fn() {
    const { file, html } = await htmlTestsFixture();
    const dom = await assertDrawn(file, html);
    const tests = dom.slice(dom.indexOf("<h3>Tests: rejection rates</h3>"));
    const power = tests.match(/<svg[\s>][\s\S]*?<\/svg>/)?.[0] ?? "";
    // Bands (areas), lines and the alpha rules of 2 methods x 2 other-factor rows.
    assert.ok((power.match(/<path\b[^>]* d="M[^"]+"/g) ?? []).length >= 4 * 5);
    assert.match(power, />rejection rate</);
  },
});

/** Where screenshots are kept: `VCSIM_SCREENSHOT_DIR` when set (to look at them), else a temp dir. */
async function screenshotDir(): Promise<string> {
  const keep = Deno.env.get("VCSIM_SCREENSHOT_DIR");
  if (!keep) return await tempDir({ prefix: "vcsim-screenshots-" });
  await Deno.mkdir(keep, { recursive: true });
  return keep;
}

/**
 * Screenshots the page `file` at `width` x `height` into `png`, checking that Chromium logs no
 * page error and that the image has that size and is not blank (a blank image compresses to a
 * few kB).
 */
async function screenshot(
  file: string,
  png: string,
  options: { width: number; height: number; minBytes: number },
): Promise<void> {
  const { code, stderr } = await chromium(new URL(`file://${file}`).href, [
    `--screenshot=${png}`,
    `--window-size=${options.width},${options.height}`,
    "--hide-scrollbars",
  ]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(pageErrors(stderr), []);
  const bytes = await Deno.readFile(png);
  assert.deepEqual([...bytes.slice(1, 4)], [0x50, 0x4e, 0x47]);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  assert.deepEqual([view.getUint32(16), view.getUint32(20)], [options.width, options.height]);
  assert.ok(bytes.length > options.minBytes, `${png}: ${bytes.length} bytes`);
}

/** A page of `body` with the style sheet of the report `html`, written to `file`. */
async function writePage(file: string, html: string, body: string): Promise<void> {
  const style = html.slice(html.indexOf("<style>"), html.indexOf("</style>") + 8);
  await Deno.writeTextFile(
    file,
    `<!DOCTYPE html><html><head><meta charset="utf-8">${style}</head>` +
      `<body style="max-width:none;margin:8px">${body}</body></html>`,
  );
}

/** The heading, note and chart of the first `<h3>heading</h3>` of `html`, and the chart's size. */
function figure(html: string, heading: string): { body: string; width: number; height: number } {
  const start = html.indexOf(`<h3>${heading}</h3>`);
  assert.ok(start > 0, heading);
  const end = html.indexOf("</figure>", start) + "</figure>".length;
  const body = html.slice(start, end);
  const [, w, h] = body.match(/<svg[^>]* width="([\d.]+)" height="([\d.]+)"/)!;
  // Room for the heading and note (a few lines at this width) above the chart.
  return {
    body,
    width: Math.max(1000, Math.ceil(Number(w)) + 40),
    height: Math.ceil(Number(h)) + 200,
  };
}

/** Every chart kind of the report: its heading in the two-factor report, or in the tests one. */
const CHART_KINDS = [
  ["distribution", "Sampling distributions", "grid"],
  ["coverage", "Coverage", "grid"],
  ["zip", "Zip plots", "grid"],
  ["nested_loop_relative_bias", "Nested-loop plot: relative bias", "grid"],
  ["nested_loop_bias", "Nested-loop plot: bias", "grid"],
  ["nested_loop_coverage", "Nested-loop plot: coverage", "grid"],
  ["power", "Tests: rejection rates", "tests"],
] as const;

Deno.test({
  name: absent
    ? `HTML report: the zip plots of every condition x method (skipped: ${CHROMIUM} absent)`
    : "HTML report in headless Chromium: a zip plot per condition x method x interval method",
  ignore: absent,
  async fn() {
    const { file, html } = await htmlFixture();
    const dom = await assertDrawn(file, html);
    const zip = dom.slice(dom.indexOf("<h3>Zip plots</h3>")).match(/<svg[\s>][\s\S]*?<\/svg>/)![0];
    const texts = [...zip.matchAll(/<(?:text|tspan)\b[^>]*>([^<]+)</g)].map((m) => m[1]);
    // tiny_grid: 5 conditions x 3 methods, each with a wald and a wald-log panel.
    for (const interval of ["wald", "wald-log"]) {
      assert.equal(texts.filter((t) => t === interval).length, 15, interval);
    }
    for (const method of ["REML", "ML", "ANOVA"]) {
      assert.equal(texts.filter((t) => t === method).length, 5, method);
    }
    for (const condition of ["n_group1=4, group1_sd=1", "n_group1=8, group1_sd=2"]) {
      assert.ok(texts.includes(condition), condition);
    }
  },
});

Deno.test({
  name: absent
    ? `HTML report screenshots of every chart kind (skipped: ${CHROMIUM} absent)`
    : "HTML report screenshots of every chart kind in headless Chromium",
  ignore: absent,
  async fn() {
    const reports = { grid: (await htmlFixture()).html, tests: (await htmlTestsFixture()).html };
    const dir = await screenshotDir();
    for (const [name, heading, report] of CHART_KINDS) {
      const { body, width, height } = figure(reports[report], heading);
      const page = join(dir, `${name}.html`);
      await writePage(page, reports[report], body);
      await screenshot(page, join(dir, `${name}.png`), { width, height, minBytes: 15_000 });
    }
    // The whole page, as a reader first sees it.
    const { file } = await htmlFixture();
    await screenshot(file, join(dir, "report.png"), {
      width: 1400,
      height: 3000,
      minBytes: 50_000,
    });
    console.log(`html_browser.test.ts: screenshots in ${dir}`);
  },
});
