import MarkdownIt from "markdown-it";
import { escapeHtml, highlightGren } from "./highlightGren.ts";

// Doc comments are Markdown written by package authors, so by anyone: raw
// HTML in them is shown as text, never run (`html: false`), and markdown-it's
// own link check refuses `javascript:`, `vbscript:`, `file:` and most `data:`
// addresses. Code is Gren unless a fence names another language.

const GREN_NAMES = new Set(["", "gren", "elm"]);

/** A renderer of Markdown that package authors wrote: doc comments, READMEs. */
export function authorsMarkdown(options: { linkify: boolean }): InstanceType<typeof MarkdownIt> {
  const renderer = new MarkdownIt("default", {
    html: false,
    linkify: options.linkify,
    typographer: false,
    highlight: (code, language) =>
      GREN_NAMES.has(language.trim().toLowerCase()) ? highlightGren(code) : escapeHtml(code),
  });
  // Indented code blocks, the usual kind in Gren docs, skip `highlight`.
  renderer.renderer.rules.code_block = (tokens, index) =>
    `<pre><code class="language-gren">${highlightGren(tokens[index]?.content ?? "")}</code></pre>\n`;
  return renderer;
}

const markdown = authorsMarkdown({ linkify: false });

// A link in a doc comment is the package author's, not the registry's endorsement.
markdown.renderer.rules.link_open = (tokens, index, options, _env, self) => {
  const token = tokens[index];
  if (token && /^https?:/i.test(String(token.attrGet("href") ?? ""))) {
    token.attrSet("rel", "nofollow ugc");
  }
  return self.renderToken(tokens, index, options);
};

export interface RenderedMarkdown {
  html: string;
  /** The level of the last heading, as rendered; undefined when there was none. */
  lastHeading: number | undefined;
}

/**
 * Markdown as HTML. Headings start at `headingFloor`, so that a comment's own
 * `#` sits below the page's headings and the outline stays in order.
 */
export function renderMarkdown(text: string, headingFloor: number): RenderedMarkdown {
  const tokens = markdown.parse(text, {});
  let lastHeading: number | undefined;
  for (const token of tokens) {
    if (token.type !== "heading_open" && token.type !== "heading_close") continue;
    const level = Math.min(Math.max(Number(token.tag.slice(1)), headingFloor), 6);
    token.tag = `h${level}`;
    lastHeading = level;
  }
  return {
    html: focusableCode(markdown.renderer.render(tokens, markdown.options, {})),
    lastHeading,
  };
}

/**
 * A code block wider than its column scrolls, and one that scrolls must take
 * the keyboard's focus to be scrolled without a mouse. Raw HTML never reaches
 * the output, so every `<pre>` in it is a code block's.
 */
export const focusableCode = (rendered: string): string =>
  rendered.replaceAll("<pre>", '<pre tabindex="0">');
