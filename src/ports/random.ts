export interface Random {
  /** A random version-4 UUID from a cryptographically secure source. */
  uuid(): string;
  /** A uniformly distributed integer in [0, bound) from a cryptographically secure source. */
  below(bound: number): number;
}
