import { html } from "htm/preact";
import type { VNode } from "preact";
import type { Misnumbered, VersionChanges } from "../../wire/apiChanges.ts";

// What a version changed in its API since the version it bumps, as the
// package page shows it: a section for the version shown, and a badge for
// each version in a list of them.

/**
 * The changes since the version bumped, each in words; nothing for a first
 * version, which bumps none, nor for one published before changes were kept.
 */
export function changesSection(
  changes: VersionChanges | null,
  misnumbered: Misnumbered | null,
  sentences: readonly string[],
): VNode | null {
  if (changes === null || changes.since === null) return null;
  return html`<section aria-labelledby="changes-heading">
    <h2 id="changes-heading">Changes since ${changes.since}</h2>
    ${summary(changes)}${misnumberedNote(misnumbered)}
    ${
      sentences.length > 0
        ? html`<ul class="api-changes">
            ${sentences.map((sentence) => html`<li>${codeSpans(`${capitalised(sentence)}.`)}</li>`)}
          </ul>`
        : null
    }
  </section>`;
}

function summary(changes: VersionChanges): VNode {
  const { since, magnitude } = changes;
  if (magnitude === null) {
    return html`<p>Its API could not be compared with ${since}'s. ${changes.unknown}</p>`;
  }
  if (changes.decidedBy === "compiler_ranges") {
    return html`<p>
      ${`No compiler builds both it and ${since}, so, as the compiler does, it is a new major version whatever its API.`}
    </p>`;
  }
  return magnitude === "patch"
    ? html`<p>A patch: its API is the same as ${since}'s.</p>`
    : html`<p>A ${magnitude} change of the API:</p>`;
}

function misnumberedNote(misnumbered: Misnumbered | null): VNode | null {
  if (misnumbered === null) return null;
  const { calledFor, magnitude, since } = misnumbered;
  return html`<p class="notice misnumbered" role="note">
    Brought in from its history with this number, though its API called for${" "}
    <strong>${calledFor}</strong>${` (a ${magnitude} change since ${since}).`}
  </p>`;
}

/** How far a version moved from the one it bumps, in a list of versions. */
export function magnitudeBadge(version: {
  magnitude: VersionChanges["magnitude"];
  misnumbered: Misnumbered | null;
}): VNode | null {
  if (version.magnitude === null) return null;
  const wrong = version.misnumbered;
  return html`<span
    class=${`magnitude ${version.magnitude}${wrong ? " misnumbered" : ""}`}
    title=${wrong ? `Its API called for ${wrong.calledFor}` : undefined}
    >${version.magnitude}${wrong ? `, should be ${wrong.calledFor}` : ""}</span
  >`;
}

/** A sentence whose `quoted` parts are code. */
function codeSpans(sentence: string): (string | VNode)[] {
  return sentence
    .split("`")
    .map((part, index) => (index % 2 === 1 ? html`<code>${part}</code>` : part));
}

const capitalised = (sentence: string): string =>
  sentence.charAt(0).toUpperCase() + sentence.slice(1);
