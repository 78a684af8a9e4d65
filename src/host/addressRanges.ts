import { BlockList, isIP, SocketAddress } from "node:net";
import type { AddressRanges } from "../ports/addressRanges.ts";

// Address ranges in CIDR notation, read and matched by Node's own BlockList.

function parse(
  cidr: string,
): { address: string; prefix: number; family: "ipv4" | "ipv6" } | undefined {
  const match = /^([0-9A-Fa-f.:]+)\/([0-9]{1,3})$/.exec(cidr.trim());
  if (!match) return undefined;
  const [, address = "", prefixText = ""] = match;
  const version = isIP(address);
  const prefix = Number(prefixText);
  if (version === 0 || prefix > (version === 4 ? 32 : 128)) return undefined;
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** The range's first address: the one a BlockList stores for it. */
function networkOf(range: { address: string; prefix: number; family: "ipv4" | "ipv6" }): string {
  const bits = range.family === "ipv4" ? 32 : 128;
  const value =
    range.family === "ipv4"
      ? range.address.split(".").reduce((sum, part) => (sum << 8n) + BigInt(part), 0n)
      : ipv6Value(range.address);
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - range.prefix)) - 1n);
  const network = value & mask;
  if (range.family === "ipv4") {
    return [24n, 16n, 8n, 0n].map((shift) => String((network >> shift) & 255n)).join(".");
  }
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((network >> BigInt((7 - i) * 16)) & 0xffffn).toString(16),
  );
  // SocketAddress writes it in its shortest form.
  return new SocketAddress({ address: groups.join(":"), family: "ipv6" }).address;
}

function ipv6Value(address: string): bigint {
  // Expanded by the URL parser, which knows every way an IPv6 address can be written.
  const expanded = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = "", tail = ""] = expanded.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === "" ? [] : tail.split(":");
  const groups = expanded.includes("::")
    ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups]
    : headGroups;
  return groups.reduce((sum, group) => (sum << 16n) + BigInt(`0x${group}`), 0n);
}

export const netAddressRanges: AddressRanges = {
  normalize(cidr) {
    const range = parse(cidr);
    return range && `${networkOf(range)}/${range.prefix}`;
  },
  contains(ranges, address) {
    const list = new BlockList();
    for (const cidr of ranges) {
      const range = parse(cidr);
      if (range) list.addSubnet(range.address, range.prefix, range.family);
    }
    // An IPv4 client seen on an IPv6 socket arrives as ::ffff:a.b.c.d.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const plain = mapped ?? address;
    const family = isIP(plain);
    if (family === 0) return false;
    return list.check(plain, family === 4 ? "ipv4" : "ipv6");
  },
};
