import { Badge, Button, Card, Group, Image, Stack, Text, TextInput, UnstyledButton } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { EntityType, PluginAction, SearchResult } from "../../api/types";
import { ErrorState } from "../../components/ErrorState";
import { ListSkeleton } from "../../components/ListSkeleton";
import { providerErrorMessage, relevanceText } from "./fetchMetadataModel";
import { searchMetadata } from "./queries";

const RESULTS_PER_PAGE = 10;

function ResultCard({ result, onPick }: { result: SearchResult; onPick: () => void }) {
  const relevance = relevanceText(result.relevanceScore);
  return (
    <UnstyledButton onClick={onPick} aria-label={`Choose ${result.title}`}>
      <Card withBorder p="xs">
        <Group align="flex-start" wrap="nowrap">
          <Image src={result.coverUrl} w={48} h={72} fit="cover" alt="" fallbackSrc="data:image/gif;base64,R0lGODlhAQABAAAAACw=" />
          <Stack gap={2} style={{ flex: 1 }}>
            <Group gap="xs">
              <Text fw={600}>{result.title}</Text>
              {result.year ? <Text size="sm" c="dimmed">{result.year}</Text> : null}
              {relevance ? <Badge size="xs" variant="outline">{relevance}</Badge> : null}
            </Group>
            {result.alternateTitles.length ? <Text size="xs" c="dimmed">{result.alternateTitles.slice(0, 2).join(" · ")}</Text> : null}
            {result.preview?.description ? <Text size="sm" lineClamp={2}>{result.preview.description}</Text> : null}
            <Group gap={4}>
              {result.preview?.format ? <Badge size="xs" color="gray">{result.preview.format}</Badge> : null}
              {result.preview?.status ? <Badge size="xs" color="gray">{result.preview.status}</Badge> : null}
            </Group>
          </Stack>
        </Group>
      </Card>
    </UnstyledButton>
  );
}

interface SearchStepProps {
  entity: EntityType;
  entityId: string;
  provider: PluginAction;
  initialQuery: string;
  onPick: (result: SearchResult) => void;
}

/** Step 2: search the provider; books also search by ISBN (web-ui §3.4.6.2, §3.5). */
export function SearchStep({ entity, entityId, provider, initialQuery, onPick }: SearchStepProps) {
  const [query, setQuery] = useState(initialQuery);
  const [isbn, setIsbn] = useState("");
  const [submitted, setSubmitted] = useState({ query: initialQuery, isbn: "" });
  const search = useInfiniteQuery({
    queryKey: ["metadataSearch", entity, entityId, provider.pluginId, submitted],
    queryFn: ({ pageParam }) =>
      searchMetadata(entity, entityId, {
        pluginId: provider.pluginId, limit: RESULTS_PER_PAGE, cursor: pageParam,
        ...(submitted.query.trim() ? { query: submitted.query.trim() } : {}),
        ...(submitted.isbn.trim() ? { isbn: submitted.isbn.trim() } : {}),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    retry: false,
    staleTime: 0,
  });
  const results = search.data?.pages.flatMap((page) => page.results) ?? [];
  return (
    <Stack>
      <form onSubmit={(event) => { event.preventDefault(); setSubmitted({ query, isbn }); }}>
        <Group align="flex-end">
          {entity === "book" ? <TextInput label="ISBN" value={isbn} onChange={(event) => setIsbn(event.currentTarget.value)} /> : null}
          <TextInput label={entity === "book" ? "Title or keywords" : "Search"} value={query} style={{ flex: 1 }} onChange={(event) => setQuery(event.currentTarget.value)} />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      {search.isPending ? <ListSkeleton rows={3} height={80} /> : search.isError ? (
        <ErrorState thing="search results" error={search.error} message={providerErrorMessage(search.error, provider.pluginDisplayName)} onRetry={() => void search.refetch()} />
      ) : results.length === 0 ? (
        <Text size="sm">No results for “{submitted.query || submitted.isbn}”.</Text>
      ) : (
        <Stack gap="xs">
          {results.map((result) => <ResultCard key={result.externalId} result={result} onPick={() => onPick(result)} />)}
          {search.hasNextPage ? <Button variant="default" size="xs" loading={search.isFetchingNextPage} onClick={() => void search.fetchNextPage()}>Load more</Button> : null}
        </Stack>
      )}
    </Stack>
  );
}
