import { html } from "htm/preact";
import type { VNode } from "preact";
import { render } from "preact-render-to-string";
import type { ModuleDocs } from "../../gren/docs/moduleDocs.ts";
import { readOverview } from "../../gren/docs/overview.ts";
import type { TypeLink } from "../../gren/docs/packageDocs.ts";
import type { AliasDocs, BinopDocs, UnionDocs, ValueDocs } from "../../gren/docsJson.ts";
import { escapeHtml, highlightType } from "./highlightGren.ts";
import { renderMarkdown } from "./markdown.ts";
import { modulePath } from "./paths.ts";

// What a module's documentation page shows of the module itself, as the
// package website has always shown it: the module's doc comment, with each
// `@docs` line replaced by the entries it names, each entry its signature and
// its own doc comment. Rendered once, when the version is published.

type Entry =
  | { kind: "union"; docs: UnionDocs }
  | { kind: "alias"; docs: AliasDocs }
  | { kind: "value"; docs: ValueDocs }
  | { kind: "binop"; docs: BinopDocs };

/** The package version a module belongs to, and where the types its signatures name are documented. */
export interface ArticlePlace {
  package: string;
  version: string;
  /** Type names as the signatures spell them; names left out stay plain text. */
  typeLinks: Readonly<Record<string, TypeLink>>;
}

/** The module's index and article, as HTML. */
export function renderModuleArticle(module: ModuleDocs, place: ArticlePlace): string {
  return render(html`${moduleIndex(module)}<article aria-labelledby="module-title" class="module-article">
    <h1 id="module-title">${module.name}</h1>
    ${moduleBody(module, typeHrefs(module, place))}
  </article>`);
}

/** Every entry of the module by kind, each a link to it: what a reader scans for first. */
function moduleIndex(module: ModuleDocs): VNode | null {
  const kinds: [string, string[]][] = [
    ["Types", [...module.unions, ...module.aliases].map((type) => type.name).sort(byName)],
    ["Values", module.values.map((value) => value.name)],
    ["Operators", module.binops.map((binop) => binop.name)],
  ];
  const shown = kinds.filter(([, names]) => names.length > 0);
  if (shown.length === 0) return null;
  return html`<nav class="module-index" aria-labelledby="index-heading">
    <h2 id="index-heading">In ${module.name}</h2>
    ${shown.map(
      ([kind, names]) => html`<h3>${kind}</h3>
        <ul>
          ${names.map(
            (name) => html`<li data-name=${name}>
              <a href=${`#${name}`}>${kind === "Operators" ? `(${name})` : name}</a>
            </li>`,
          )}
        </ul>`,
    )}
  </nav>`;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Where each type the module's signatures name is documented: here, elsewhere in the package, or in a dependency. */
function typeHrefs(module: ModuleDocs, place: ArticlePlace): (name: string) => string | undefined {
  const own = new Set([...module.unions, ...module.aliases].map((type) => type.name));
  return (name) => {
    const base = name.slice(name.lastIndexOf(".") + 1);
    const link = Object.hasOwn(place.typeLinks, name) ? place.typeLinks[name] : undefined;
    if (link === undefined) return own.has(name) ? `#${name}` : undefined;
    const here =
      link.package === place.package &&
      link.version === place.version &&
      link.module === module.name;
    return here
      ? `#${base}`
      : `${modulePath(link.package, link.version, link.module)}#${encodeURIComponent(base)}`;
  };
}

/** The module's doc comment with its entries placed where its `@docs` lines name them. */
function moduleBody(module: ModuleDocs, typeHref: (name: string) => string | undefined): VNode[] {
  const entries = entriesOf(module);
  const nodes: VNode[] = [];
  const shown = new Set<string>();
  // Each entry's heading goes one level below the comment's last heading, so the outline stays in order.
  let level = 1;
  const place = (name: string) => {
    const entry = entries.get(name);
    if (entry === undefined || shown.has(name)) return;
    shown.add(name);
    nodes.push(entryNode(entry, Math.min(level + 1, 6), typeHref));
  };
  for (const part of overviewParts(module.comment)) {
    if (part.kind === "docs") {
      for (const name of part.names) place(name);
      continue;
    }
    const rendered = renderMarkdown(part.text, 2);
    if (rendered.html.trim() !== "") {
      nodes.push(
        html`<div class="overview" dangerouslySetInnerHTML=${{ __html: rendered.html }} />`,
      );
    }
    level = rendered.lastHeading ?? level;
  }
  // What the comment forgot to list is still public, so it is still shown.
  const rest = [...entries.keys()].filter((name) => !shown.has(name));
  if (rest.length > 0 && shown.size > 0) {
    nodes.push(html`<h2>Also exposed</h2>`);
    level = 2;
  }
  for (const name of rest) place(name);
  return nodes;
}

type OverviewPart = { kind: "text"; text: string } | { kind: "docs"; names: string[] };

const DOCS_LINE = /^\s*@docs(?![\p{L}\p{N}_])/u;

/** The comment cut at its `@docs` lines; a list ending in a comma goes on to the next line. */
function overviewParts(comment: string): OverviewPart[] {
  const parts: OverviewPart[] = [];
  let text: string[] = [];
  let docs: string[] | undefined;
  const flushDocs = () => {
    if (docs === undefined) return;
    parts.push({ kind: "docs", names: readOverview(docs.join("\n")).groups.flat() });
    docs = undefined;
  };
  for (const line of comment.split("\n")) {
    if (docs?.at(-1)?.trimEnd().endsWith(",")) {
      docs.push(line);
      continue;
    }
    flushDocs();
    if (DOCS_LINE.test(line)) {
      if (text.length > 0) parts.push({ kind: "text", text: text.join("\n") });
      text = [];
      docs = [line];
    } else text.push(line);
  }
  flushDocs();
  if (text.length > 0) parts.push({ kind: "text", text: text.join("\n") });
  return parts;
}

function entriesOf(module: ModuleDocs): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const docs of module.unions) entries.set(docs.name, { kind: "union", docs });
  for (const docs of module.aliases) entries.set(docs.name, { kind: "alias", docs });
  for (const docs of module.values) entries.set(docs.name, { kind: "value", docs });
  for (const docs of module.binops) entries.set(docs.name, { kind: "binop", docs });
  return entries;
}

function entryNode(
  entry: Entry,
  level: number,
  typeHref: (name: string) => string | undefined,
): VNode {
  const heading = `h${level}`;
  const comment = entry.docs.comment.trim();
  return html`<div class="item" id=${entry.docs.name}>
    <${heading}>
      <code class="signature" dangerouslySetInnerHTML=${{ __html: signature(entry, typeHref) }} />
    </${heading}>
    ${
      comment === ""
        ? null
        : html`<div
            class="doc"
            dangerouslySetInnerHTML=${{ __html: renderMarkdown(comment, Math.min(level + 1, 6)).html }}
          />`
    }
  </div>`;
}

const keyword = (word: string): string => `<span class="hljs-keyword">${word}</span>`;

/** The entry's name, linking to itself so that a reader can share the address. */
const selfLink = (name: string, shown = name): string =>
  `<a class="item-name" href="#${escapeHtml(name)}">${escapeHtml(shown)}</a>`;

/** A constructor's argument, parenthesised where the source must have had parentheses. */
const argument = (type: string): string =>
  /[\s]/.test(type) && !/^[({[]/.test(type) ? `(${type})` : type;

function signature(entry: Entry, typeHref: (name: string) => string | undefined): string {
  const type = (text: string) => highlightType(text, typeHref);
  switch (entry.kind) {
    case "value":
      return entry.docs.type === ""
        ? selfLink(entry.docs.name)
        : `${selfLink(entry.docs.name)} : ${type(entry.docs.type)}`;
    case "binop":
      return `${selfLink(entry.docs.name, `(${entry.docs.name})`)} : ${type(entry.docs.type)}`;
    case "alias": {
      const { name, args } = entry.docs;
      const head = [selfLink(name), ...args.map(escapeHtml)].join(" ");
      return `${keyword("type alias")} ${head} =\n    ${type(entry.docs.type)}`;
    }
    case "union": {
      const { name, args, cases } = entry.docs;
      const head = `${keyword("type")} ${[selfLink(name), ...args.map(escapeHtml)].join(" ")}`;
      const lines = cases.map(
        ([variant, variantArgs], index) =>
          `\n    ${index === 0 ? "=" : "|"} ${type([variant, ...variantArgs.map(argument)].join(" "))}`,
      );
      return head + lines.join("");
    }
  }
}
