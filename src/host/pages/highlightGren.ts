import type { HLJSApi, Language } from "highlight.js";
import hljs from "highlight.js/lib/core";

// highlight.js knows no Gren. This grammar is Elm's, which Gren grew from,
// with Gren's own syntax: `when ... is` instead of `case ... of`, triple-quoted
// strings, and no `infixl`/`infixr`. Only this language is registered, so the
// other 190 are never loaded.

const KEYWORDS = [
  "module",
  "exposing",
  "import",
  "as",
  "type",
  "alias",
  "port",
  "effect",
  "where",
  "command",
  "subscription",
  "let",
  "in",
  "if",
  "then",
  "else",
  "when",
  "is",
  "infix",
];

function gren(api: HLJSApi): Language {
  const comment = {
    variants: [api.COMMENT("--", "$"), api.COMMENT(/\{-/, /-\}/, { contains: ["self"] })],
  };
  return {
    name: "Gren",
    keywords: { keyword: KEYWORDS },
    contains: [
      comment,
      {
        scope: "string",
        variants: [
          { begin: '"""', end: '"""', contains: [api.BACKSLASH_ESCAPE] },
          { begin: '"', end: '"', illegal: "\\n", contains: [api.BACKSLASH_ESCAPE] },
        ],
      },
      { scope: "string", begin: "'", end: "'", illegal: "\\n", contains: [api.BACKSLASH_ESCAPE] },
      {
        scope: "number",
        match: /\b(0x[0-9A-Fa-f]+|\d+(\.\d+)?([eE][-+]?\d+)?)\b/,
        relevance: 0,
      },
      // `Dict.get` is a value, not the type `Dict`.
      { match: /\b(?:[A-Z][\w]*\.)+[a-z][\w]*/, relevance: 0 },
      { scope: "type", match: /\b[A-Z][\w]*(?:\.[A-Z][\w]*)*/, relevance: 0 },
      {
        // A definition starts a line, as in `map f maybe =` or `map : ...`.
        scope: "title.function",
        match: new RegExp(
          `^(?!(?:${KEYWORDS.join("|")})\\b)[a-z][\\w]*(?=(?:[ \\t]+[a-z_][\\w]*)*[ \\t]*(?::|=(?!=)))`,
          "m",
        ),
        relevance: 0,
      },
      {
        scope: "operator",
        match: /->|<-|\|>|<\||==|\/=|<=|>=|\+\+|&&|\|\||>>|<<|::/,
        relevance: 0,
      },
    ],
    illegal: /;/,
  };
}

hljs.registerLanguage("gren", gren);

/** Code written in a doc comment, as HTML whose text is escaped. */
export function highlightGren(code: string): string {
  return hljs.highlight(code, { language: "gren", ignoreIllegals: true }).value;
}

const TYPE_TOKEN = /([A-Za-z][\w]*(?:\.[A-Za-z][\w]*)*)|(->)|([^A-Za-z-]+|-)/g;

/**
 * A type as a signature shows it: types and arrows marked, and each type
 * whose documentation `hrefOf` knows linked to it. Faster and more exact than
 * the full grammar, since a type has so few kinds of words.
 */
export function highlightType(type: string, hrefOf: (name: string) => string | undefined): string {
  return type.replace(TYPE_TOKEN, (_match, name?: string, arrow?: string, other?: string) => {
    if (name !== undefined) {
      // Lower-case words are type variables (or record fields), left plain.
      if (!/^[A-Z]/.test(name)) return name;
      const escaped = escapeHtml(name);
      const href = hrefOf(name);
      return href !== undefined
        ? `<a class="hljs-type" href="${escapeHtml(href)}">${escaped}</a>`
        : `<span class="hljs-type">${escaped}</span>`;
    }
    if (arrow !== undefined) return '<span class="hljs-operator">-&gt;</span>';
    return escapeHtml(other ?? "");
  });
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text safe inside HTML, in an element or a quoted attribute. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
