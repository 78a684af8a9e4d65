import { DEFAULT_MIRROR_POLICY } from "../core/mirror.ts";
import { lastPackageChange, packagesChangedSince } from "../core/packageHead.ts";
import { logPastChanges } from "../core/transparencyLog.ts";
import { DEFAULT_WEBHOOK_POLICY } from "../core/webhooks.ts";
import type { Clock, Ports } from "../ports/index.ts";
import type { Notifier } from "../ports/notifier.ts";
import { netAddressRanges } from "./addressRanges.ts";
import { defaultReaderThreads, WorkerBundleReader } from "./bundleReading/pool.ts";
import { CatalogueReaders } from "./catalogueReading/pool.ts";
import { systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./database.ts";
import { DeletedContentScrubber } from "./deletedContentScrubber.ts";
import { nodeDigest } from "./digest.ts";
import { DocsBackfill } from "./docsBackfill.ts";
import { DownloadCounter } from "./downloadCounter.ts";
import { FanOut } from "./feed/fanOut.ts";
import { LiveFeed } from "./feed/liveFeed.ts";
import { WebhookWorker } from "./feed/webhookWorker.ts";
import { Authenticator } from "./http/auth.ts";
import { LoginWaiters } from "./http/loginWaiters.ts";
import { PublicAnswers } from "./http/publicAnswers.ts";
import { fetchHttpOut } from "./httpOut.ts";
import { JoseIdTokenVerifier } from "./idTokens/verifier.ts";
import { mailerFor } from "./mail/index.ts";
import { mirrorAt } from "./mirror/index.ts";
import { MirrorWorker } from "./mirror/mirrorWorker.ts";
import { cryptoRandom } from "./random.ts";
import { buildServer } from "./server.ts";
import { Checkpoints } from "./transparencyLog/checkpoints.ts";
import { loadSigningKey } from "./transparencyLog/signingKey.ts";

/** Kept answers to anonymous reads: the pages, indexes and version lists of a few thousand packages. */
const PUBLIC_ANSWERS_BYTES = 32 * 1024 * 1024;

export interface StartOptions {
  config: Config;
  /** Where console mail and the request log go. */
  print?: (text: string) => void;
  logger?: boolean | { level: string; stream?: { write(line: string): unknown } };
  /** Tests move time forward to see expiry. */
  clock?: Clock;
}

/**
 * Opens the database, brings its schema up to date and builds the server:
 * everything `npm start` does before listening. Tests use it too.
 */
export function openRegistry(options: StartOptions) {
  const { config } = options;
  const db = openDatabase(config.dbPath);
  // Console mail goes to stderr so that stdout stays one JSON log line per event.
  const print = options.print ?? ((text: string) => process.stderr.write(`${text}\n`));
  // Whoever follows the feed learns of new events once their transaction has committed.
  const fanOut = new FanOut();
  let changeSeen = lastPackageChange(db);
  const publicAnswers = new PublicAnswers(PUBLIC_ANSWERS_BYTES, changeSeen);
  // What was kept about the packages a change touched is forgotten the moment
  // it commits, before its own answer goes out; followers are woken once the
  // turn is over. The packages' heads say which packages those are.
  let checkpoints: Checkpoints | undefined;
  const notifier: Notifier = {
    eventsRecorded() {
      const changed = packagesChangedSince(db, changeSeen);
      changeSeen = changed.at(-1)?.changeSeq ?? changeSeen;
      publicAnswers.forget(changed);
      // Every change is in a signed checkpoint, and in the file beside the key, as soon as it commits.
      try {
        checkpoints?.current();
      } catch (error) {
        app.log.error({ err: error }, "signing the transparency log's checkpoint failed");
      }
      fanOut.eventsRecorded();
    },
  };
  const bundleReader = new WorkerBundleReader({
    threads: config.bundleReaders.threads ?? defaultReaderThreads(),
    timeoutMs: config.bundleReaders.timeoutMs,
    memoryMb: config.bundleReaders.memoryMb,
  });
  const catalogueReaders = new CatalogueReaders({
    dbPath: config.dbPath,
    threads: defaultReaderThreads(),
    resolveBudgetMs: config.resolveTimeoutMs,
    searchTimeoutMs: config.searchTimeoutMs,
  });
  const ports: Ports = {
    db,
    mailer: mailerFor(config.mail, print),
    clock: options.clock ?? systemClock,
    random: cryptoRandom,
    digest: nodeDigest,
    bundles: bundleReader,
    resolver: catalogueReaders,
    search: catalogueReaders,
    http: fetchHttpOut,
    notifier,
    mirror: config.mirror && mirrorAt(config.mirror),
  };
  // A database that had versions before it had a log has them logged, in order, once.
  logPastChanges(ports);
  const key = loadSigningKey(config.transparencyLog);
  checkpoints = new Checkpoints(db, ports.clock, key.signer, config.transparencyLog.checkpointFile);
  const live = new LiveFeed(db, {
    pingIntervalMs: config.livePingMs,
    maxBufferedBytes: 1024 * 1024,
  });
  const downloads = new DownloadCounter(ports, publicAnswers, config.downloadCountMs);
  const app = buildServer({
    config,
    ports,
    downloads,
    auth: new Authenticator(ports, config.sessions, netAddressRanges),
    live,
    logins: new LoginWaiters(),
    publicAnswers,
    idTokens: new JoseIdTokenVerifier(config.oidcIssuers, ports.clock),
    addressRanges: netAddressRanges,
    checkpoints,
    logger: options.logger ?? { level: config.logLevel },
  });
  downloads.log = app.log;
  for (const notice of [...key.notices, ...checkpoints.notices()]) {
    app.log[notice.level](notice.message);
  }
  // The tree as it stands is signed before the first request.
  checkpoints.current();
  const webhooks =
    config.webhookUrls.length > 0 && config.webhookSecret
      ? new WebhookWorker(
          ports,
          {
            ...DEFAULT_WEBHOOK_POLICY,
            urls: config.webhookUrls,
            secret: config.webhookSecret,
            firstRetryMs: config.webhookRetryMs,
          },
          app.log,
        )
      : undefined;
  const scrubber = new DeletedContentScrubber(db, ports.clock, app.log);
  // Versions published before docs were kept get theirs while the server serves.
  const docsBackfill = new DocsBackfill(
    ports,
    { maxUnpackedBytes: config.maxUnpackedBytes },
    app.log,
  );
  const mirrorWorker =
    ports.mirror &&
    new MirrorWorker(
      ports,
      ports.mirror,
      { ...DEFAULT_MIRROR_POLICY, firstRetryMs: config.mirrorRetryMs },
      app.log,
    );
  fanOut.follow(() => live.wake());
  fanOut.follow(() => scrubber.wake());
  if (webhooks) fanOut.follow(() => webhooks.wake());
  if (mirrorWorker) fanOut.follow(() => mirrorWorker.wake());
  // Deliveries and mirror writes left over from before a restart are taken up as soon as the server is ready.
  app.addHook("onReady", async () => {
    webhooks?.wake();
    scrubber.wake();
    docsBackfill.start();
    mirrorWorker?.wake();
  });
  app.addHook("onClose", async () => {
    fanOut.stop();
    scrubber.stop();
    await webhooks?.stop();
    await mirrorWorker?.stop();
    await ports.mirror?.close();
    live.close();
    downloads.stop();
    await docsBackfill.stop();
    await bundleReader.close();
    await catalogueReaders.close();
    db.close();
  });
  return { app, ports, db, fanOut };
}
