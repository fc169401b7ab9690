import { queryOptions } from "@tanstack/react-query";
import { api } from "../../api/client";
import type { BookRow } from "../../api/types";

export const bookRowQuery = (bookId: string) =>
  queryOptions({
    queryKey: ["book", bookId, "row"],
    queryFn: () => api.get<BookRow>(`/books/${bookId}`),
  });
