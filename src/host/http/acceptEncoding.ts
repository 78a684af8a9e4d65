// Whether a client takes gzip, by its Accept-Encoding header. The header is
// the client's to write, up to the 16 KiB headers may take, so it is read in
// one pass: a regular expression with runs of optional spaces on either side
// of an optional part took time growing with the square of a run of spaces,
// half a second for one header.

/** `gzip` is listed, without `q=0`. */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  for (const item of String(header ?? "").split(",")) {
    const [coding = "", ...parameters] = item.split(";");
    if (coding.trim().toLowerCase() !== "gzip") continue;
    const quality = parameters.map((parameter) => parameter.trim()).find((p) => /^q=/i.test(p));
    if (quality === undefined) return true;
    const value = quality.slice(2);
    return /^(1(\.0{0,3})?|0(\.\d{0,3})?)$/.test(value) && Number(value) > 0;
  }
  return false;
}
