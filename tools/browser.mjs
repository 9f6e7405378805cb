// Debian's Chromium and a static server on 127.0.0.1, shared by the browser checks and the bench.
//
// Chromium starts with the flags this closed network wants.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";

const TYPES = {
  ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
  ".css": "text/css", ".json": "application/json",
};

/** The content type of a file name. */
export function contentType(file) {
  return TYPES[path.extname(file)] || "application/octet-stream";
}

/** Debian's Chromium, headless, with background networking off (the network is closed). */
export function launchChromium() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
  });
}

/**
 * A resolver for `serve`: URLs under `prefix` map to files under `dir` (never above it);
 * `/` maps to `dir/index.html` when `prefix` is `/`.
 */
export function fromDir(dir, prefix = "/") {
  return async (url) => {
    if (!url.startsWith(prefix)) return undefined;
    const rest = url.slice(prefix.length) || "index.html";
    const file = path.join(dir, path.normalize(rest).replace(/^(\.\.[/\\])+/, ""));
    return { body: await readFile(file), type: contentType(file) };
  };
}

/**
 * Serves on 127.0.0.1 (a free port): each resolver in turn gets the URL path and answers
 * `{ body, type }` or undefined; a URL none answers, or one whose resolver throws, is a 404.
 */
export async function serve(...resolvers) {
  const server = createServer(async (req, res) => {
    const url = req.url.split("?")[0];
    let found;
    try {
      for (const resolve of resolvers) {
        found = await resolve(url);
        if (found) break;
      }
    } catch {
      found = undefined;
    }
    if (found) res.writeHead(200, { "content-type": found.type }).end(found.body);
    else res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return server;
}

/** `http://127.0.0.1:<port>/` of a server from `serve`. */
export function urlOf(server) {
  return `http://127.0.0.1:${server.address().port}/`;
}
