// Opens a running service's /docs in headless Chromium (Debian's package) through
// playwright-core, as a person would: waits for the reference to render, checks that every
// expected operation is on the page and that the page loaded nothing from another host nor
// broke its Content-Security-Policy, keeps a screenshot, then signs in with a bearer token
// ("Authorize") and creates a row with "Try it out". The end-to-end tests run it
// (tests/e2e.rs); by hand:
//
//   NODE_PATH=target/browser/node_modules node tests/browser/docs.cjs BASE_URL TOKEN OPERATION_IDS CREATE_ID BODY SCREENSHOT
//
// OPERATION_IDS is comma-separated; CREATE_ID names the create operation "Try it out" runs
// with the JSON BODY. Exits non-zero, saying why, when anything is missing.
// CommonJS rather than a module: `require` finds playwright-core through NODE_PATH.
const { chromium } = require("playwright-core");

async function main() {
  const [base, token, ids, createId, body, screenshot] = process.argv.slice(2);
  const origin = new URL(base).origin;
  const problems = [];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith("data:") && new URL(url).origin !== origin) {
        problems.push(`loaded from another host: ${url}`);
      }
    });
    page.on("console", (message) => {
      if (message.type() === "error" && /Content.Security.Policy/i.test(message.text())) {
        problems.push(`broke its policy: ${message.text()}`);
      }
    });
    await page.goto(`${base}/docs`);
    await page.waitForSelector(".opblock", { timeout: 30000 });
    const shown = new Set(
      await page.$$eval(".opblock-summary-operation-id", (nodes) =>
        nodes.map((node) => node.textContent.trim()),
      ),
    );
    for (const id of ids.split(",")) {
      if (!shown.has(id)) problems.push(`operation ${id} is not on the page`);
    }
    await page.screenshot({ path: screenshot, fullPage: true });

    // Sign in: the bearer scheme's box in "Authorize".
    await page.click(".auth-wrapper .authorize");
    const scheme = page.locator(".auth-container", { hasText: "bearerAuth" });
    await scheme.locator("input").fill(token);
    await scheme.locator("button.authorize").click();
    await page.click(".btn-done");

    // Create a row from the page.
    const block = page.locator(`.opblock:has(.opblock-summary-operation-id:text-is("${createId}"))`);
    await block.locator(".opblock-summary").first().click();
    // The page opens operations ready to try (`tryItOutEnabled`); the button would cancel.
    const tryOut = block.locator(".try-out__btn");
    if ((await tryOut.textContent()).trim() === "Try it out") await tryOut.click();
    await block.locator("textarea.body-param__text").fill(body);
    await block.locator("button.execute").click();
    const status = block.locator(".live-responses-table tbody .response-col_status").first();
    await status.waitFor({ timeout: 30000 });
    const code = (await status.textContent()).trim();
    if (!code.startsWith("201")) {
      const answer = await block.locator(".live-responses-table tbody .response-col_description").first().textContent();
      problems.push(`creating through the page answered ${code}: ${answer}`);
    }
  } finally {
    await browser.close();
  }
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    process.exit(1);
  }
  console.log(`/docs: ${ids.split(",").length} operations shown, a row created through the page`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
