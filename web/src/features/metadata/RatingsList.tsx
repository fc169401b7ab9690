import { List, Stack, Text, Title } from "@mantine/core";
import type { ExternalRatingRow } from "../../api/types";

/** "anilist · 87 / 100 · 1,234 votes" per external rating (web-ui §3.4.4). */
export function ratingLine(rating: ExternalRatingRow): string {
  const parts = [rating.source, `${rating.score} / 100`];
  if (rating.voteCount !== null) parts.push(`${rating.voteCount.toLocaleString("en-US")} votes`);
  return parts.join(" · ");
}

export function RatingsList({ ratings }: { ratings: ExternalRatingRow[] }) {
  return (
    <Stack gap="xs">
      <Title order={4}>Ratings</Title>
      {ratings.length === 0 ? <Text size="sm" c="dimmed">No ratings.</Text> : (
        <List size="sm">{ratings.map((rating) => <List.Item key={rating.source}>{ratingLine(rating)}</List.Item>)}</List>
      )}
    </Stack>
  );
}
