import { randomInt, randomUUID } from "node:crypto";
import type { Random } from "../ports/random.ts";

export const cryptoRandom: Random = {
  uuid: () => randomUUID(),
  below: (bound) => randomInt(bound),
};
