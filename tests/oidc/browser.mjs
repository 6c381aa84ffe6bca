// A browser for the end-to-end tests' sign-ins: follows redirects from START, keeping cookies
// per host and port, signs in at node-oidc-provider's development login page as LOGIN and
// gives its consent, and stops at the first redirect to a URL under STOP (the app's page),
// which it prints.
//
//   node browser.mjs START LOGIN STOP
const [start, login, stop] = process.argv.slice(2);
const jars = new Map();

function cookies(url) {
  const jar = jars.get(url.host) ?? new Map();
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

function keep(url, response) {
  const jar = jars.get(url.host) ?? new Map();
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(";");
    const at = pair.indexOf("=");
    const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
    if (expired) jar.delete(name);
    else jar.set(name, value);
  }
  jars.set(url.host, jar);
}

let url = new URL(start);
let request = { method: "GET" };
for (let step = 0; step < 20; step += 1) {
  const headers = { cookie: cookies(url), ...(request.headers ?? {}) };
  const response = await fetch(url, { ...request, headers, redirect: "manual" });
  keep(url, response);
  if (response.status >= 300 && response.status < 400) {
    url = new URL(response.headers.get("location"), url);
    request = { method: "GET" };
    if (url.href.startsWith(stop)) {
      console.log(url.href);
      process.exit(0);
    }
    continue;
  }
  const page = await response.text();
  if (response.status !== 200) {
    console.error(`${response.status} at ${url.href}:\n${page}`);
    process.exit(1);
  }
  // The provider's form: a login, then a consent; both post to the form's action.
  const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
  const prompt = /name="prompt" value="([a-z]+)"/.exec(page)?.[1];
  if (!action || !prompt) {
    console.error(`no form at ${url.href}:\n${page}`);
    process.exit(1);
  }
  const form = new URLSearchParams({ prompt });
  if (prompt === "login") {
    form.set("login", login);
    form.set("password", "any password");
  }
  url = new URL(action.replaceAll("&amp;", "&"), url);
  request = {
    method: "POST",
    body: form.toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
}
console.error(`no redirect to ${stop} in 20 steps (last ${url.href})`);
process.exit(1);
