import { escapeHtml } from "./highlightGren.ts";
import { authorsMarkdown, focusableCode } from "./markdown.ts";

// A package's README, rendered once when the version is published. It is
// Markdown written by anyone, shown on the registry's own page: raw HTML is
// shown as text (`html: false`), markdown-it refuses `javascript:`,
// `vbscript:`, `file:` and most `data:` addresses, and an image becomes a
// link to it, so that a page loads nothing from elsewhere and nobody can
// track its readers. Its headings start below the page's own.

const markdown = authorsMarkdown({ linkify: true });

markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  tokens[index]?.attrSet("rel", "nofollow ugc");
  return self.renderToken(tokens, index, options);
};

markdown.renderer.rules.image = (tokens, index) => {
  const token = tokens[index];
  const source = String(token?.attrGet("src") ?? "");
  const alt = token?.children?.map((child) => child.content).join("") ?? "";
  const label = escapeHtml(alt.trim() === "" ? "Image" : alt);
  // markdown-it checked the address as it does a link's; an empty one was refused.
  return source === ""
    ? label
    : `<a class="readme-image" href="${escapeHtml(source)}" rel="nofollow ugc">${label}</a>`;
};

/** Headings go one level below the page's title, and no deeper than h6. */
const HEADING_FLOOR = 2;

/** The README as sanitised HTML. */
export function renderReadme(text: string): string {
  const tokens = markdown.parse(text, {});
  const used = new Set<string>();
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.type !== "heading_open" && token.type !== "heading_close") continue;
    const level = Math.min(Number(token.tag.slice(1)) + HEADING_FLOOR - 1, 6);
    token.tag = `h${level}`;
    if (token.type === "heading_open") {
      const words = tokens[index + 1]?.content ?? "";
      token.attrSet("id", anchorOf(words, used));
    }
  }
  return focusableCode(markdown.renderer.render(tokens, markdown.options, {}));
}

/** A heading's anchor, as GitHub makes them: `readme-` before, so it cannot meet the page's own ids. */
function anchorOf(words: string, used: Set<string>): string {
  const base = `readme-${
    words
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s-]/gu, "")
      .trim()
      .replace(/\s+/g, "-")
      .slice(0, 80) || "section"
  }`;
  let anchor = base;
  for (let n = 1; used.has(anchor); n++) anchor = `${base}-${n}`;
  used.add(anchor);
  return anchor;
}
