// The HTML report in headless Chromium: it loads without errors or network, the DOM after
// load holds every chart as an SVG with drawn marks (power curves included, from the tests
// store), and a screenshot is taken. Skipped when /usr/bin/chromium is absent (install it with
// `apt-get install -y chromium`).
import assert from "node:assert";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { htmlFixture, htmlTestsFixture } from "./_html_store.ts";

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
  const profile = await Deno.makeTempDir({ prefix: "vcsim-chromium-" });
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
      signal: AbortSignal.timeout(120_000),
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

Deno.test({
  name: absent
    ? `HTML report screenshot (skipped: ${CHROMIUM} absent)`
    : "HTML report screenshot in headless Chromium",
  ignore: absent,
  async fn() {
    const { dir, file } = await htmlFixture();
    const png = join(dir, "report.png");
    const { code, stderr } = await chromium(new URL(`file://${file}`).href, [
      `--screenshot=${png}`,
      "--window-size=1400,3000",
      "--hide-scrollbars",
    ]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(pageErrors(stderr), []);
    const bytes = await Deno.readFile(png);
    // PNG signature, and an image of 1400 x 3000 pixels that is not blank (blank compresses
    // to a few kB).
    assert.deepEqual([...bytes.slice(1, 4)], [0x50, 0x4e, 0x47]);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    assert.deepEqual([view.getUint32(16), view.getUint32(20)], [1400, 3000]);
    assert.ok(bytes.length > 50_000, `${bytes.length} bytes`);
    const keep = Deno.env.get("VCSIM_REPORT_SCREENSHOT");
    if (keep) await Deno.copyFile(png, keep);
  },
});

Deno.test({
  name: absent
    ? `HTML report power curves screenshot (skipped: ${CHROMIUM} absent)`
    : "HTML report power curves screenshot in headless Chromium",
  ignore: absent,
  async fn() {
    const { dir, html } = await htmlTestsFixture();
    // The tests section of group1 alone, with the report's style sheet.
    const start = html.indexOf("<h3>Tests: rejection rates</h3>");
    const end = html.indexOf("<h3>Key measures</h3>", start);
    assert.ok(start > 0 && end > start);
    const style = html.slice(html.indexOf("<style>"), html.indexOf("</style>") + 8);
    const page = join(dir, "power.html");
    await Deno.writeTextFile(
      page,
      `<!DOCTYPE html><html><head><meta charset="utf-8">${style}</head>` +
        `<body>${html.slice(start, end)}</body></html>`,
    );
    const png = join(dir, "power.png");
    const { code, stderr } = await chromium(new URL(`file://${page}`).href, [
      `--screenshot=${png}`,
      "--window-size=1000,1100",
      "--hide-scrollbars",
    ]);
    assert.equal(code, 0, stderr);
    assert.deepEqual(pageErrors(stderr), []);
    const bytes = await Deno.readFile(png);
    assert.deepEqual([...bytes.slice(1, 4)], [0x50, 0x4e, 0x47]);
    assert.ok(bytes.length > 20_000, `${bytes.length} bytes`);
    const keep = Deno.env.get("VCSIM_POWER_SCREENSHOT");
    if (keep) await Deno.copyFile(png, keep);
  },
});
