import { Alert, Button, Card, Center, Code, PasswordInput, Stack, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useQuery } from "@tanstack/react-query";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { healthQuery, meQuery, safeNextPath, useLogin } from "../../app/session";
import { usePageTitle } from "../../components/usePageTitle";
import { loginErrorMessage } from "./loginErrors";

function NoAdminHint() {
  const health = useQuery(healthQuery);
  if (health.data?.setup.adminExists !== false) return null;
  return (
    <Alert color="blue">
      No administrator exists yet. Create one on the server with <Code>colophon admin create</Code>.
    </Alert>
  );
}

export function LoginPage() {
  usePageTitle("Sign in");
  const [params] = useSearchParams();
  const next = safeNextPath(params.get("next"));
  const navigate = useNavigate();
  const me = useQuery({ ...meQuery, staleTime: 0 });
  const login = useLogin();
  const form = useForm({
    initialValues: { username: "", password: "" },
    validate: {
      username: (value) => (value.trim() ? null : "Enter your username"),
      password: (value) => (value ? null : "Enter your password"),
    },
  });

  if (me.data) return <Navigate to={next} replace />;

  const submit = form.onSubmit((values) =>
    login.mutate(values, { onSuccess: () => navigate(next, { replace: true }) }),
  );

  return (
    <Center mih="100vh" p="md">
      <Card withBorder shadow="sm" p="xl" w={380} component="form" onSubmit={submit}>
        <Stack>
          <Title order={2} size="h3">
            Sign in to Colophon
          </Title>
          <NoAdminHint />
          <TextInput label="Username" autoComplete="username" withAsterisk {...form.getInputProps("username")} />
          <PasswordInput label="Password" autoComplete="current-password" withAsterisk {...form.getInputProps("password")} />
          {login.isError ? (
            <Alert color="red" role="alert">
              {loginErrorMessage(login.error)}
            </Alert>
          ) : null}
          <Button type="submit" loading={login.isPending}>
            Sign in
          </Button>
        </Stack>
      </Card>
    </Center>
  );
}
