import { ActionIcon, Button, Group, Stack, TextInput } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";

type Pair = Record<string, string>;

interface PairListEditorProps {
  value: Pair[];
  keys: [string, string];
  labels: [string, string];
  onChange: (value: Pair[]) => void;
}

/** Rows of two text inputs: alternate titles (label, title) and authors (name, role). */
export function PairListEditor({ value, keys, labels, onChange }: PairListEditorProps) {
  const [first, second] = keys;
  const update = (index: number, key: string, text: string) =>
    onChange(value.map((pair, position) => (position === index ? { ...pair, [key]: text } : pair)));
  return (
    <Stack gap={4}>
      {value.map((pair, index) => (
        <Group key={index} gap={4} wrap="nowrap">
          <TextInput size="xs" aria-label={`${labels[0]} ${index + 1}`} placeholder={labels[0]} value={pair[first] ?? ""}
            onChange={(event) => update(index, first, event.currentTarget.value)} />
          <TextInput size="xs" aria-label={`${labels[1]} ${index + 1}`} placeholder={labels[1]} value={pair[second] ?? ""}
            onChange={(event) => update(index, second, event.currentTarget.value)} />
          <ActionIcon variant="subtle" color="red" aria-label={`Remove row ${index + 1}`} onClick={() => onChange(value.filter((_, position) => position !== index))}>
            <IconTrash size={14} />
          </ActionIcon>
        </Group>
      ))}
      <Button size="compact-xs" variant="subtle" w="fit-content" onClick={() => onChange([...value, { [first]: "", [second]: "" }])}>Add row</Button>
    </Stack>
  );
}
