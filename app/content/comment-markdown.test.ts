import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CommentBody } from "~/components/comment-body.tsx";
import { REDIRECT_BYPASSES } from "../../tests/support/hostile-input.ts";
import { marked } from "marked";
import { escapeMarkdownText, findMentions, mentionHandle, parseCommentMarkdown, plainText, safeHref, safeMarkdown, type Block, type Inline } from "./comment-markdown.ts";

const render = (source: string, mentionable: string[] = []) =>
  renderToStaticMarkup(createElement(CommentBody, { blocks: parseCommentMarkdown(source, new Set(mentionable)) }));

// Classic payloads from XSS cheat sheets: every one must come out as inert text.
const PAYLOADS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '<a href="javascript:alert(1)">x</a>',
  "[click](javascript:alert(1))",
  "[click](JaVaScRiPt:alert(1))",
  "[click](  javascript:alert(1))",
  "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
  "[click](vbscript:msgbox(1))",
  "![x](javascript:alert(1))",
  '<svg onload="alert(1)">',
  "<iframe src=//evil.example></iframe>",
  '<div style="background:url(javascript:alert(1))">',
  "<<script>script>alert(1)<</script>/script>",
  '"><script>alert(document.cookie)</script>',
  "<details open ontoggle=alert(1)>",
  "`<script>alert(1)</script>`",
  "```\n<script>alert(1)</script>\n```",
  "> <img src=x onerror=alert(1)>",
  "- <b onmouseover=alert(1)>hover</b>",
  "[x](https://example.org \"title\" onmouseover=alert(1))",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
];

describe("comment Markdown safety", () => {
  const ALLOWED_TAGS = new Set(["div", "p", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "br", "span"]);

  it.each(PAYLOADS)("renders %j inert", (payload) => {
    const html = render(payload);
    // Whatever the payload, the markup is only our own tags with our own attributes.
    for (const tag of html.match(/<[^>]*>/g) ?? []) {
      const name = /^<\/?([a-z0-9]+)/i.exec(tag)?.[1]?.toLowerCase() ?? "";
      expect(ALLOWED_TAGS, tag).toContain(name);
      expect(tag).not.toMatch(/\son\w+=/i);
      expect(tag).not.toMatch(/\sstyle=/i);
      expect(tag).not.toMatch(/href="\s*(javascript|data|vbscript):/i);
    }
    expect(html.match(/<div/g)).toHaveLength(1);
  });

  it("keeps what the person typed visible as text", () => {
    expect(render("<script>alert(1)</script>")).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(render("[click](javascript:alert(1))")).toBe('<div class="comment-body"><p>click</p></div>');
  });

  it("renders the allowed subset", () => {
    const html = render("Some **strong** and *em* and `code` and ~~gone~~\n\n- one\n- two\n\n1. first\n\n> quoted\n\n[site](https://example.org/a?b=1)");
    expect(html).toContain("<strong>strong</strong>");
    expect(html).toContain("<em>em</em>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<del>gone</del>");
    expect(html).toContain("<ul><li><p>one</p></li><li><p>two</p></li></ul>");
    expect(html).toContain('<ol start="1">');
    expect(html).toContain("<blockquote><p>quoted</p></blockquote>");
    expect(html).toContain('<a href="https://example.org/a?b=1" rel="nofollow ugc noopener noreferrer" target="_blank">site</a>');
  });

  it("shows headings as strong text, not as page headings", () => {
    expect(render("# Big")).toBe('<div class="comment-body"><p><strong>Big</strong></p></div>');
  });
});

describe("mentions", () => {
  it("finds @handles and marks only members", () => {
    expect(findMentions("Thanks @Sam and @mira.k, not email@example.org")).toEqual(["sam", "mira.k"]);
    const html = render("Thanks @sam and @nobody", ["sam"]);
    expect(html).toContain('<span class="mention">@sam</span>');
    expect(html).toContain("and @nobody");
  });

  it("derives a handle from a display name", () => {
    expect(mentionHandle("Mira (moderator)")).toBe("miramoderator");
    expect(mentionHandle("Zoë Ó Sé")).toBe("zoëósé");
  });
});

describe("helpers", () => {
  it("allows only web, mail and in-site links", () => {
    expect(safeHref("https://example.org")).toBe("https://example.org/");
    expect(safeHref("/groups/1")).toBe("/groups/1");
    expect(safeHref("//evil.example")).toBeNull();
    expect(safeHref("javascript:alert(1)")).toBeNull();
  });

  it("renders [x](/\\evil.example/…) as text, not as an in-site link to another host", () => {
    expect(safeHref("/\\evil.example/…")).toBeNull();
    expect(render("[x](/\\evil.example/…)")).toBe('<div class="comment-body"><p>x</p></div>');
  });

  it("keeps in-site links in-site, URL-serialized", () => {
    expect(safeHref("/groups/1/day/2?open=p-3#c-4")).toBe("/groups/1/day/2?open=p-3#c-4");
    expect(safeHref("/courses/élan")).toBe("/courses/%C3%A9lan");
    expect(safeHref("#p-intro")).toBe("#p-intro");
    expect(render("[day 2](/courses/x/day/2)")).toContain('<a href="/courses/x/day/2" rel="nofollow ugc noopener noreferrer">day 2</a>');
  });

  // Every known bypass, written as a Markdown link (plain and in <…>, which allows spaces and
  // tabs): what comes out is text, an external link opening in a new tab, or an in-site link that a
  // browser on our page resolves to our own origin.
  const OURS = "https://marginalia.example";
  const links = (blocks: Block[]): string[] => {
    const fromInline = (nodes: Inline[]): string[] => nodes.flatMap((node) => (node.t === "link" ? [node.href, ...fromInline(node.c)] : "c" in node ? fromInline(node.c) : []));
    return blocks.flatMap((block) => (block.t === "p" ? fromInline(block.c) : block.t === "quote" ? links(block.c) : block.t === "list" ? block.items.flatMap(links) : []));
  };
  it.each(REDIRECT_BYPASSES.flatMap((target) => [`[x](${target})`, `[x](<${target}>)`, `[x](/${target})`]))("%j is never an in-site link to another origin", (source) => {
    for (const href of links(parseCommentMarkdown(source))) {
      expect(href).not.toMatch(/[\u0000-\u001f\u007f\\]/);
      const inSite = href.startsWith("/") || href.startsWith("#");
      if (inSite) expect(new URL(href, `${OURS}/groups/g/day/1`).origin, href).toBe(OURS);
      else expect(["http:", "https:", "mailto:"], href).toContain(new URL(href).protocol);
    }
  });

  it("gives plain text for notifications", () => {
    expect(plainText("**Why** does `fsync` matter?\n\n- it _orders_ writes")).toBe("Why does fsync matter?\nit orders writes");
  });
});

describe("safeMarkdown (exports that other Markdown viewers render)", () => {
  // What a Markdown viewer that passes HTML through would make of the export.
  const viewed = (markdown: string) => marked.parse(markdown, { async: false, gfm: true, breaks: true });
  const hostile = [
    '<img src=x onerror="alert(1)">',
    "<script>alert(1)</script>",
    "<a href='javascript:alert(1)'>x</a>",
    "[click](javascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](&#106;avascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '![x](https://evil.example/x.png "title")',
    "[x]\n\n[x]: javascript:alert(1)",
    "[x](/\\evil.example/path)",
    "```\n</code><script>alert(1)</script>\n```",
    "`</code><img src=x onerror=alert(1)>`",
    "> <iframe src=javascript:alert(1)>",
    "- <svg onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<<script>script>alert(1)<</script>/script>",
  ];

  it.each(hostile)("%j comes out without HTML or an unsafe link", (source) => {
    const html = viewed(safeMarkdown(source));
    expect(html).not.toMatch(/<(?!\/?(p|em|strong|del|code|pre|blockquote|ul|ol|li|a|br)\b)[a-z]/i);
    expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^(https?:|mailto:|\/(?![/\\])|#)/);
  });

  it("keeps what the page shows: emphasis, code, links, lists, quotes, line breaks, mentions", () => {
    const source = "**Why** does `fsync` matter?\nSee [the docs](<https://example.org/a b>) and [day 2](/courses/x/day/2).\n\n- one *two*\n- three\n\n> quoted\n\n```\ncode <b>\n```\n\n@sam asks # not a heading";
    const html = viewed(safeMarkdown(source));
    expect(html).toContain("<strong>Why</strong> does <code>fsync</code> matter?<br>");
    expect(html).toContain('<a href="https://example.org/a%20b">the docs</a>');
    expect(html).toContain('<a href="/courses/x/day/2">day 2</a>');
    expect(html).toMatch(/<li>one <em>two<\/em><\/li>\s*<li>three<\/li>/);
    expect(html).toMatch(/<blockquote>\s*<p>quoted<\/p>\s*<\/blockquote>/);
    expect(html).toContain("<pre><code>code &lt;b&gt;\n</code></pre>");
    expect(html).toContain("@sam asks # not a heading");
  });

  it("escapes names and titles so they show as typed", () => {
    for (const value of ["<b>Bold</b> & co", "# Heading", "1. Not a list", "*star* _under_ [link](x)", "a\\b", "~~gone~~ | pipe"]) {
      expect(viewed(escapeMarkdownText(value)).replace(/<\/?p>|\n/g, "")).toBe(
        value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"),
      );
    }
  });
});
