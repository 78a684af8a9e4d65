import { once } from "node:events";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { eventually, type Running, startProcess } from "./ops.ts";
import { temporaryDir } from "./registry.ts";

// What serves the static mirror in its tests, each a real server in a process
// of its own on loopback: nginx with the configuration the README gives, and
// s3rver, a local server that speaks the S3 protocol.

export const NGINX = "/usr/sbin/nginx";
export const hasNginx = existsSync(NGINX);

const REPOSITORY = resolve(import.meta.dirname, "../..");
export const NGINX_MIRROR_CONF = join(REPOSITORY, "docs/nginx-mirror.conf");
const S3RVER = join(REPOSITORY, "node_modules/s3rver/bin/s3rver.js");

/** s3rver's fixed keys, which it checks requests' signatures with. */
export const S3RVER_KEYS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface StaticServer {
  url: string;
  stop(): Promise<void>;
}

/** A port nobody listens on now, for a server that must be told its port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** The path of every file under `root`, `/`-separated, sorted. */
export function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}

/** Waits until `url` answers at all, or the process ends first. */
async function answering(server: Running, url: string): Promise<void> {
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  await eventually(
    async () => {
      if (exited) throw new Error(`it exited: ${server.output.stderr}`);
      await fetch(url);
      return true;
    },
    `${url} to answer`,
    10_000,
    25,
  ).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
}

/**
 * nginx serving `root` on a loopback port with docs/nginx-mirror.conf, as the
 * README tells operators to. Its workers run as another user, so `root` and
 * the folders above it are made readable by others.
 */
export async function startNginx(root: string): Promise<StaticServer> {
  const dir = temporaryDir("nginx-");
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, "temp"));
  // Temporary folders are made readable by their owner alone.
  for (
    let folder = resolve(root);
    folder.startsWith(`${tmpdir()}${sep}`);
    folder = dirname(folder)
  ) {
    chmodSync(folder, 0o755);
  }
  const port = await freePort();
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/temp/body;
  proxy_temp_path ${dir}/temp/proxy;
  fastcgi_temp_path ${dir}/temp/fastcgi;
  uwsgi_temp_path ${dir}/temp/uwsgi;
  scgi_temp_path ${dir}/temp/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${resolve(root)};
    include ${NGINX_MIRROR_CONF};
  }
}
`,
  );
  const nginx = startProcess(NGINX, ["-c", conf, "-p", dir], {});
  const url = `http://127.0.0.1:${port}`;
  await answering(nginx, url);
  return {
    url,
    stop: async () => {
      await nginx.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface S3Server extends StaticServer {
  /** The same server again, on the same port and files, after `stop`. */
  start(): Promise<void>;
}

/**
 * s3rver on a loopback port, keeping its objects under `dir`, with `bucket`
 * made at start-up. It can be stopped and started again, objects and all.
 */
export async function startS3Server(bucket: string, dir = temporaryDir("s3-")): Promise<S3Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server: Running | undefined;
  const start = async () => {
    const started = startProcess(
      process.execPath,
      [
        S3RVER,
        "-d",
        dir,
        "-a",
        "127.0.0.1",
        "-p",
        String(port),
        "--silent",
        "--configure-bucket",
        bucket,
      ],
      {},
    );
    await answering(started, url);
    server = started;
  };
  await start();
  return {
    url,
    start,
    stop: async () => {
      await server?.stop();
      server = undefined;
    },
  };
}
