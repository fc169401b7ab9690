import { NumberInput, Select, TagsInput, Textarea, TextInput } from "@mantine/core";
import type { KeyboardEvent } from "react";
import { DIRECTION_OPTIONS, STATUS_OPTIONS, type MetadataFieldDef } from "./metadataFields";
import { PairListEditor } from "./PairListEditor";

interface FieldEditorProps {
  field: MetadataFieldDef;
  value: unknown;
  error: string | null;
  onChange: (value: unknown) => void;
  onSave: () => void;
  onCancel: () => void;
}

type Pair = Record<string, string>;

/** The inline input of one metadata row (web-ui §3.4.3): Enter saves, Escape cancels. */
export function FieldEditor({ field, value, error, onChange, onSave, onCancel }: FieldEditorProps) {
  const keys = (event: KeyboardEvent, saveWithCtrl = false) => {
    if (event.key === "Escape") { event.preventDefault(); onCancel(); }
    if (event.key === "Enter" && (!saveWithCtrl || event.ctrlKey || event.metaKey)) { event.preventDefault(); onSave(); }
  };
  const common = { "aria-label": field.label, error, size: "xs" as const, "data-autofocus": true };
  switch (field.editor) {
    case "textarea":
      return <Textarea {...common} autosize minRows={3} value={String(value ?? "")} onKeyDown={(event) => keys(event, true)}
        onChange={(event) => onChange(event.currentTarget.value)} description="Ctrl+Enter saves" />;
    case "number":
      return <NumberInput {...common} value={value === null || value === undefined ? "" : (value as number)} onKeyDown={(event) => keys(event)} onChange={onChange} />;
    case "status":
    case "direction":
      return <Select {...common} data={field.editor === "status" ? STATUS_OPTIONS : DIRECTION_OPTIONS} clearable value={(value as string | null) ?? null}
        onChange={onChange} onKeyDown={(event) => event.key === "Escape" && onCancel()} />;
    case "tags":
      return <TagsInput {...common} value={(value as string[] | null) ?? []} onChange={onChange} onKeyDown={(event) => event.key === "Escape" && onCancel()} />;
    case "alternateTitles":
      return <PairListEditor keys={["label", "title"]} labels={["Label", "Title"]} value={(value as Pair[] | null) ?? []} onChange={onChange} />;
    case "authors":
      return <PairListEditor keys={["name", "role"]} labels={["Name", "Role"]} value={(value as Pair[] | null) ?? []} onChange={onChange} />;
    default:
      return <TextInput {...common} value={String(value ?? "")} onKeyDown={(event) => keys(event)} onChange={(event) => onChange(event.currentTarget.value)} />;
  }
}
