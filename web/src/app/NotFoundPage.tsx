import { Anchor, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { usePageTitle } from "../components/usePageTitle";

export function NotFoundPage() {
  usePageTitle("Not found");
  return (
    <Stack>
      <Title order={2}>Page not found</Title>
      <Text>There is nothing at this address.</Text>
      <Anchor component={Link} to="/libraries">
        Go to Libraries
      </Anchor>
    </Stack>
  );
}
