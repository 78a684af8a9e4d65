/** Client address ranges (CIDR), as an API token may be limited to. */
export interface AddressRanges {
  /** The range in its canonical form (`203.0.113.0/24`), or undefined when it is not one. */
  normalize(cidr: string): string | undefined;
  /** Whether the address lies in any of the ranges. */
  contains(ranges: readonly string[], address: string): boolean;
}
