import { Fragment } from "react";
import type { Block, Inline } from "~/content/comment-tree.ts";

/** Renders a parsed comment body as React elements: text is always text, never HTML. */
export function CommentBody({ blocks }: { blocks: Block[] }) {
  return <div className="comment-body">{blocks.map((block, index) => <BlockNode key={index} block={block} />)}</div>;
}

function BlockNode({ block }: { block: Block }) {
  switch (block.t) {
    case "p":
      return <p>{block.c.map((node, index) => <InlineNode key={index} node={node} />)}</p>;
    case "pre":
      return (
        <pre>
          <code>{block.v}</code>
        </pre>
      );
    case "quote":
      return <blockquote>{block.c.map((child, index) => <BlockNode key={index} block={child} />)}</blockquote>;
    case "list": {
      const items = block.items.map((item, index) => (
        <li key={index}>
          {item.map((child, childIndex) => (
            <BlockNode key={childIndex} block={child} />
          ))}
        </li>
      ));
      return block.ordered ? <ol start={block.start}>{items}</ol> : <ul>{items}</ul>;
    }
  }
}

function InlineNode({ node }: { node: Inline }) {
  switch (node.t) {
    case "text":
      return <>{node.v}</>;
    case "code":
      return <code>{node.v}</code>;
    case "br":
      return <br />;
    case "mention":
      return <span className="mention">@{node.handle}</span>;
    case "link":
      return (
        <a href={node.href} rel="nofollow ugc noopener noreferrer" target={node.href.startsWith("/") || node.href.startsWith("#") ? undefined : "_blank"}>
          {node.c.map((child, index) => (
            <InlineNode key={index} node={child} />
          ))}
        </a>
      );
    default: {
      const Tag = node.t === "strong" ? "strong" : node.t === "em" ? "em" : "del";
      return (
        <Tag>
          {node.c.map((child, index) => (
            <Fragment key={index}>
              <InlineNode node={child} />
            </Fragment>
          ))}
        </Tag>
      );
    }
  }
}
