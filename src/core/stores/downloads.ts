import type { Database } from "../../ports/database.ts";
import { integer } from "./rows.ts";

// Downloads of bundles, counted per version and per day (download_days), and
// each version's total beside them (download_totals), so that no page adds up
// days. Nothing about who downloaded is kept.

/** Adds `count` downloads of the version at this address on `day`; false when there is no such version. */
export function addDownloads(
  db: Database,
  address: { packageKey: string; versionKey: number },
  day: number,
  count: number,
): boolean {
  const row = db.get(
    `SELECT versions.id FROM versions JOIN packages ON packages.id = versions.package_id
     WHERE packages.name_key = :packageKey AND versions.version_key = :versionKey`,
    { packageKey: address.packageKey, versionKey: address.versionKey },
  );
  if (row === undefined) return false;
  const versionId = integer(row, "id");
  db.run(
    `INSERT INTO download_days (version_id, day, count) VALUES (:versionId, :day, :count)
     ON CONFLICT (version_id, day) DO UPDATE SET count = count + excluded.count`,
    { versionId, day, count },
  );
  db.run(
    `INSERT INTO download_totals (version_id, count) VALUES (:versionId, :count)
     ON CONFLICT (version_id) DO UPDATE SET count = count + excluded.count`,
    { versionId, count },
  );
  return true;
}

/** Each version's downloads in all, by version key; versions never downloaded are left out. */
export function versionDownloads(db: Database, packageId: number): Map<number, number> {
  return new Map(
    db
      .all(
        `SELECT versions.version_key, download_totals.count FROM versions
         JOIN download_totals ON download_totals.version_id = versions.id
         WHERE versions.package_id = :packageId`,
        { packageId },
      )
      .map((row) => [integer(row, "version_key"), integer(row, "count")]),
  );
}

/** The package's downloads on each of the days from `fromDay` on, by day; days without any left out. */
export function dailyDownloads(
  db: Database,
  packageId: number,
  fromDay: number,
): { day: number; count: number }[] {
  return db
    .all(
      `SELECT download_days.day, sum(download_days.count) AS count FROM download_days
       JOIN versions ON versions.id = download_days.version_id
       WHERE versions.package_id = :packageId AND download_days.day >= :fromDay
       GROUP BY download_days.day ORDER BY download_days.day`,
      { packageId, fromDay },
    )
    .map((row) => ({ day: integer(row, "day"), count: integer(row, "count") }));
}

/** The change number of the package keyed so: what its kept pages were made at. */
export function changeOfPackage(db: Database, packageKey: string): number | undefined {
  const row = db.get(
    `SELECT package_heads.change_seq FROM package_heads
     JOIN packages ON packages.id = package_heads.package_id WHERE packages.name_key = :packageKey`,
    { packageKey },
  );
  return row === undefined ? undefined : integer(row, "change_seq");
}
