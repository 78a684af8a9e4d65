import { describe, expect, it } from "vitest";
import { highlightGren } from "../../src/host/pages/highlightGren.ts";
import { renderMarkdown } from "../../src/host/pages/markdown.ts";
import { prefersHtml } from "../../src/host/pages/negotiation.ts";

// The package site's pieces on their own: which Accept headers get a page,
// and how doc comments become HTML.

describe("prefersHtml", () => {
  it.each([
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/html",
    "application/json;q=0.5, text/html",
    "TEXT/HTML; charset=utf-8, */*;q=0.1",
  ])("is true for %s", (accept) => {
    expect(prefersHtml(accept)).toBe(true);
  });

  it.each([
    undefined,
    "",
    "*/*",
    "application/json",
    "application/json, text/html",
    "text/html, */*",
    "text/*",
    "text/html;q=0, */*",
    "text/html;q=0.5, application/*",
    "text/html;q=nonsense",
  ])("is false for %s", (accept) => {
    expect(prefersHtml(accept)).toBe(false);
  });
});

describe("doc comments as HTML", () => {
  it("shows raw HTML as text and refuses script links", () => {
    const { html } = renderMarkdown(
      '<script>alert(1)</script> [x](javascript:alert(1)) [y](vbscript:x) <a href="z">z</a>',
      2,
    );
    expect(html).not.toMatch(/<script|<a href="(?:javascript|vbscript|z)/);
    expect(html).toContain("&lt;script&gt;");
  });

  it("marks links to elsewhere as the author's, not the registry's", () => {
    const { html } = renderMarkdown("[site](https://example.com) and [map](#map)", 2);
    expect(html).toContain('<a href="https://example.com" rel="nofollow ugc">site</a>');
    expect(html).toContain('<a href="#map">map</a>');
  });

  it("keeps headings at or below the level it is given, and says where they ended", () => {
    const rendered = renderMarkdown("# Top\n\ntext\n\n### Deep", 2);
    expect(rendered.html).toContain("<h2>Top</h2>");
    expect(rendered.html).toContain("<h3>Deep</h3>");
    expect(rendered.lastHeading).toBe(3);
    expect(renderMarkdown("no heading", 2).lastHeading).toBeUndefined();
  });

  it("highlights indented and fenced code as Gren, and leaves other languages plain", () => {
    const indented = renderMarkdown('    when x is\n        Just y -> "<y>"\n', 2).html;
    expect(indented).toContain('<span class="hljs-keyword">when</span>');
    expect(indented).toContain('<span class="hljs-string">&quot;&lt;y&gt;&quot;</span>');
    const shell = renderMarkdown("```sh\nwhen <x>\n```", 2).html;
    expect(shell).not.toContain("hljs-keyword");
    expect(shell).toContain("when &lt;x&gt;");
  });

  it("knows Gren's keywords and definitions", () => {
    const code = highlightGren(
      'map : (a -> b) -> Maybe a\nmap f m =\n    when m is\n        _ -> """x"""',
    );
    expect(code).toContain('<span class="hljs-title function_">map</span> :');
    expect(code).toContain('<span class="hljs-type">Maybe</span>');
    expect(code).toContain('<span class="hljs-keyword">is</span>');
    expect(code).toContain(
      '<span class="hljs-string">&quot;&quot;&quot;x&quot;&quot;&quot;</span>',
    );
  });
});
