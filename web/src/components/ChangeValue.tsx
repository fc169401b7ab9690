import { Anchor, Badge, Code, Group, Image, Text, VisuallyHidden } from "@mantine/core";
import { useState } from "react";
import type { JsonValue } from "../api/types";
import { describeValue } from "./changeValue";

function ValueContent({ value, field }: { value: JsonValue | undefined; field?: string | undefined }) {
  const view = describeValue(value, field);
  const [expanded, setExpanded] = useState(false);
  switch (view.kind) {
    case "empty":
      return <Text span fs="italic" c="dimmed">(empty)</Text>;
    case "text":
      return (
        <Text span style={{ whiteSpace: "pre-wrap" }}>
          {expanded ? view.full : view.text}
          {view.truncated ? (
            <Anchor component="button" size="xs" ml={4} onClick={() => setExpanded((open) => !open)}>
              {expanded ? "Show less" : "Show more"}
            </Anchor>
          ) : null}
        </Text>
      );
    case "list":
      return (
        <Group gap={4} component="span" display="inline-flex">
          {view.items.map((item, index) => (
            <Badge key={`${item}-${index}`} variant="light" color="gray" tt="none">
              {item}
            </Badge>
          ))}
        </Group>
      );
    case "cover":
      return (
        <Group gap="xs" component="span" display="inline-flex">
          <Image src={view.url} w={48} alt="" />
          <Text span size="xs">{view.url}</Text>
        </Group>
      );
    case "json":
      return <Code>{view.text}</Code>;
  }
}

/** A before → after pair: before struck through in `<del>`, after in `<ins>` (web-ui §3.8.6, §6.4). */
export function ChangeValues({ before, after, field }: { before: JsonValue | undefined; after: JsonValue | undefined; field?: string }) {
  const beforeEmpty = describeValue(before, field).kind === "empty";
  return (
    <Group gap="xs" wrap="wrap" component="span">
      {beforeEmpty ? (
        <span>
          <VisuallyHidden>before: </VisuallyHidden>
          <ValueContent value={before} field={field} />
        </span>
      ) : (
        <Text component="del" c="red.7" td="line-through">
          <VisuallyHidden>before: </VisuallyHidden>
          <ValueContent value={before} field={field} />
        </Text>
      )}
      <span aria-hidden="true">→</span>
      <Text component="ins" c="green.8" td="none">
        <VisuallyHidden>after: </VisuallyHidden>
        <ValueContent value={after} field={field} />
      </Text>
    </Group>
  );
}

export function PlainValue({ value, field }: { value: JsonValue | undefined; field?: string }) {
  return <ValueContent value={value} field={field} />;
}
