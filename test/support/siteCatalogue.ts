import { makeBundle, packageOutline } from "./bundles.ts";
import { putBundle } from "./publishing.ts";
import { publishReal, REAL } from "./realBundles.ts";
import { call, login, type TestRegistry } from "./registry.ts";

// A small catalogue for the package site's tests: the real compiler-made
// bundles, a package with a documented module in two versions (the newer one
// revoked), and a private package only its identity's members may see.

/** What a browser sends for a page. */
export const BROWSER_ACCEPT =
  "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

export const AUTHOR = "author@example.com";
export const REVOKE_REASON = "Resizing lost widgets; use 1.0.0.";

/** A documented module, with raw HTML in its comments that must show as text. */
export const WIDGETS_SOURCE = `module Widgets exposing
    ( Widget, Size(..)
    , make, resize, sizeOf
    , (|+)
    )

{-| Widgets for every occasion. Not <script>alert("owned")</script> nor
<img src="x" onerror="alert('owned')"> but text.

# Making widgets

@docs Widget, Size, make

## Changing them

@docs resize, sizeOf,
    (|+)

-}


{-| A widget, made by [make](#make). -}
type Widget
    = Widget { size : Size }


{-| How big a widget is. -}
type Size
    = Small
    | Large Int


{-| Makes a widget of the given size:

    make Small

-}
make : Size -> Widget
make size =
    Widget { size = size }


{-| Gives it another size. -}
resize : Size -> Widget -> Widget
resize size _ =
    make size


{-| [How big](javascript:alert(1)) it is. -}
sizeOf : Widget -> Size
sizeOf (Widget widget) =
    widget.size


{-| Resizes, as an operator. -}
infix left 5 (|+) = resize
`;

const EXTRA_SOURCE = `module Widgets.Extra exposing (spin)

{-| More things to do with widgets.

@docs spin

-}

import Widgets exposing (Widget)


{-| Spins a widget. -}
spin : Widget -> Widget
spin widget =
    widget
`;

/** What 1.1.0 adds to Widgets.Extra: a minor version, as its number says. */
const ADDED_IN_1_1 = `

{-| Spins a widget twice. -}
twirl : Widget -> Widget
twirl widget =
    spin (spin widget)
`;

function widgetsBundle(name: string, version: string, overrides: Record<string, unknown> = {}) {
  const outline = packageOutline({
    name,
    version,
    summary: "Widgets for every occasion",
    "exposed-modules": { Widgets: ["Widgets", "Widgets.Extra"] },
    dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" },
    ...overrides,
  });
  return makeBundle({
    outline,
    sources: {
      Widgets: WIDGETS_SOURCE,
      "Widgets.Extra":
        version === "1.1.0"
          ? EXTRA_SOURCE.replace("exposing (spin)", "exposing (spin, twirl)").replace(
              "@docs spin",
              "@docs spin, twirl",
            ) + ADDED_IN_1_1
          : EXTRA_SOURCE,
    },
  });
}

async function published(
  registry: { url: string },
  token: string,
  name: string,
  version: string,
  bytes: Uint8Array,
) {
  const answer = await putBundle(registry, token, `/packages/${name}/${version}`, bytes);
  if (answer.status !== 201) {
    throw new Error(`publishing ${name} ${version}: ${JSON.stringify(answer.body)}`);
  }
}

/**
 * Publishes the catalogue: gren-lang/core, url and node; acme/widgets 1.0.0
 * and 1.1.0 (revoked); and the private acme/secret 1.0.0. Returns the session
 * tokens of the operator and of acme's admin.
 */
export async function publishSiteCatalogue(
  registry: Pick<TestRegistry, "url" | "outbox">,
): Promise<{ operator: string; author: string }> {
  const operator = await publishReal(registry, REAL, { withReadmes: true });
  const author = await login(registry, AUTHOR);
  await call(registry, "POST", "/publishing-identity", { token: author, json: { name: "acme" } });
  await published(
    registry,
    author,
    "acme/widgets",
    "1.0.0",
    widgetsBundle("acme/widgets", "1.0.0"),
  );
  await published(
    registry,
    author,
    "acme/widgets",
    "1.1.0",
    widgetsBundle("acme/widgets", "1.1.0"),
  );
  const revoked = await call(registry, "DELETE", "/packages/acme/widgets/1.1.0", {
    token: author,
    json: { reason: REVOKE_REASON },
  });
  if (revoked.status !== 200) throw new Error(`revoking: ${JSON.stringify(revoked.body)}`);
  await published(
    registry,
    author,
    "acme/secret",
    "1.0.0",
    widgetsBundle("acme/secret", "1.0.0", { summary: "Secret widgets", private: true }),
  );
  return { operator, author };
}
